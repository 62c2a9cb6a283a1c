"""The Django admin over the inbox: notices and sent reminders are written only by ``notify()`` and the daily sweep
(which also mail them), so the admin shows them and can add, change or delete none: an administrator must not be
able to put a fabricated notice in someone's inbox, edit what one said, or delete a sent-reminder row (its unique
key is what makes a reminder go out once). Preferences stay editable: they are a user's settings, not a record."""

from django.contrib import admin

from .models import Notification, NotificationPreference, SentReminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "object_id", "read_at", "email_status")
    list_filter = ("kind", "email_status")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "object_id")
    fields = readonly_fields = ("recipient", "kind", "content_type", "object_id", "values", "link", "created_at",
                                "read_at", "email_status", "emailed_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "recipient", "kind", "object_id", "due_date", "lead_days")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    fields = readonly_fields = ("recipient", "kind", "content_type", "object_id", "due_date", "lead_days",
                                "notification", "sent_at")
