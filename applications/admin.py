"""The Django admin over applications: read-only (every change goes through the portal's services, which audit
it); deleting goes through ``application_delete`` so files leave the disk. Pages run a fixed number of queries."""

from django.contrib import admin
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyAdminMixin

from . import services
from .models import Application, ApplicationVersion, BudgetLine, KPICommitment, MaterialUpload, Partner
from .prechecks import submitted_rows
from .selectors import condition_decisions


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class PartnerInline(ReadOnlyInline):
    model = Partner
    fields = ("seq", "name", "uscc", "org_type", "role")


class BudgetInline(ReadOnlyInline):
    model = BudgetLine
    fields = ("seq", "item", "source", "amount")


class CommitmentInline(ReadOnlyInline):
    model = KPICommitment
    fields = ("kpi", "value", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kpi")


class UploadInline(ReadOnlyInline):
    model = MaterialUpload
    fields = ("material", "original_name", "size", "sha256", "uploaded_by", "uploaded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("material", "uploaded_by")


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ("number", "submitted_at", "submitted_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applicants write drafts and submit, officers decide, all through the audited services.
    Applications are started by applicants on the portal (reference numbers, membership checks), never here."""

    list_display = ("reference", "title", "track", "organisation", "status", "verdict_overall", "submitted_at")
    list_filter = ("status", "verdict_overall", "track__program")
    search_fields = ("reference", "title", "organisation__name", "organisation__uscc")
    list_select_related = ("track", "track__program", "organisation")
    list_per_page = 25  # as the officers' queue, so the benchmark compares the same rows
    ordering = (F("submitted_at").desc(nulls_last=True), "-pk")
    fields = ("reference", "track", "organisation", "created_by", "status", "version", "submitted_at", "title",
              "requested_amount", "matching_funds", "verdict_overall", "verdict_table", "materials_complete",
              "last_comment", "pdf_status", "pdf_version", "draft_saved_at", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [PartnerInline, BudgetInline, CommitmentInline, UploadInline, VersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track__program", "organisation", "created_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return getattr(request.user, "is_portal_admin", False) and super().has_delete_permission(request, obj)

    @admin.display(description=_("eligibility verdict at submission"))
    def verdict_table(self, obj: Application) -> str:
        if not obj.verdict.get("results") and not obj.verdict.get("evaluated_on"):
            return "—"
        rows = submitted_rows(obj, condition_decisions(obj))  # a judged condition shows its judgement
        return render_to_string("applications/_checked_rules.html", {"rows": rows})

    def delete_model(self, request, obj):
        services.application_delete(actor=request.user, application=obj)

    def delete_queryset(self, request, queryset):
        for application in queryset:
            services.application_delete(actor=request.user, application=application)
