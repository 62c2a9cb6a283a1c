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
