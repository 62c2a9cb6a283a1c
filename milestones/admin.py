from django.contrib import admin

from .models import Project, ProjectTranche


class TrancheInline(admin.TabularInline):
    model = ProjectTranche
    extra = 0
    can_delete = False
    fields = readonly_fields = ("seq", "amount", "share_percent", "condition", "state", "due_on", "released_on",
                                "released_amount", "payment_reference", "requested_by", "requested_at",
                                "released_by", "released_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Read-only: every change to a project or a tranche goes through milestones.services (locked, audited); a
    released amount never changes."""

    list_display = ("application", "award", "state", "starts_on", "ends_on", "officer")
    list_filter = ("state",)
    list_select_related = ("application", "officer")
    fields = readonly_fields = ("application", "award", "state", "starts_on", "ends_on", "officer",
                                "contract_signed_on", "acceptance_failures", "rectify_by", "closed_on", "record",
                                "task_book_status")
    inlines = [TrancheInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
