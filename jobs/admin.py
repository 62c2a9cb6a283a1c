"""The Django admin over background jobs: read-only. A job's state, result and summary are written only by
jobs.services (the worker and the retry button); deleting a row here would leave its files on disk, and the daily
sweep already deletes old results (``expired_at``) while keeping the row as the record of who asked for what."""

from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "requested_by", "state", "attempts", "created_at", "finished_at")
    list_filter = ("state", "kind")
    list_select_related = ("requested_by",)
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
