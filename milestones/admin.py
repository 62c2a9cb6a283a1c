from django.contrib import admin

from .models import Project, ProjectTranche


class TrancheInline(admin.TabularInline):
    model = ProjectTranche
    extra = 0
    can_delete = False
    fields = readonly_fields = ("seq", "amount", "share_percent", "condition", "state")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("application", "award", "starts_on", "ends_on", "officer")
    list_select_related = ("application", "officer")
    readonly_fields = ("application", "award", "starts_on", "ends_on", "officer")
    inlines = [TrancheInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
