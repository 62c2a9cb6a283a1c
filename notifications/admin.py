from django.contrib import admin

from .models import Notification, NotificationPreference, SentReminder


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "object_id", "read_at", "email_status")
    list_filter = ("kind", "email_status")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "object_id")
    raw_id_fields = ("recipient",)
    readonly_fields = ("created_at",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "recipient", "kind", "object_id", "due_date", "lead_days")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "notification")
