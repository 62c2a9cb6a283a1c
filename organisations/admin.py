from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Certification, FinancialYear, Membership, Organisation, Patent, ProjectRecord, Region
from .services import ORGANISATION_FIELDS
from .uscc import normalise_uscc


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_select_related = ("parent__parent",)  # the parent's full name walks its own parents
    list_filter = ("level",)
    search_fields = ("code", "name")


class OrganisationAdminForm(forms.ModelForm):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)  # room for pasted spaces

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS

    def clean_uscc(self) -> str:
        # The model field's validator (validate_uscc) then names any wrong character.
        return normalise_uscc(self.cleaned_data.get("uscc", ""))


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


class FinancialYearInline(admin.TabularInline):
    model = FinancialYear
    fields = ("year", "sales_revenue", "rd_spend", "ip_spend")
    extra = 0


class PatentInline(admin.TabularInline):
    model = Patent
    fields = ("number", "kind", "title", "granted_on", "status")
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    fields = ("standard", "certificate_number", "valid_from", "valid_until")
    extra = 0


class ProjectRecordInline(admin.StackedInline):
    model = ProjectRecord
    fields = (("title", "level", "category"), ("awarded_on", "acceptance", "accepted_on"), "note",
              ("source", "recorded_by"))
    readonly_fields = ("source", "recorded_by")
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "uscc", "org_type", "region", "is_legal_person", "blacklisted", "updated_at")
    list_filter = ("org_type", "is_legal_person", "blacklisted")
    search_fields = ("name", "uscc")
    list_select_related = ("region", "region__parent", "region__parent__parent")
    autocomplete_fields = ("region",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "uscc", "region", "org_type", "is_legal_person")}),
        (_("Size and standing"), {"fields": ("full_time_staff", "park_enterprise_count", "blacklisted")}),
        (_("Contact"), {"fields": ("address", "contact_name", "contact_phone")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [MembershipInline, FinancialYearInline, PatentInline, CertificationInline, ProjectRecordInline]

    def save_formset(self, request, form, formset, change):
        # Records entered here are an officer's entries, like those made on the records page.
        if formset.model is ProjectRecord:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None:
                    inline_form.instance.source = "officer"
                    inline_form.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)
