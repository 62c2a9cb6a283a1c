from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from core.readonly_admin import ReadOnlyAdminMixin
from organisations.models import Region

from .models import (
    KPI,
    CalendarDay,
    CalendarYear,
    Criterion,
    EligibilityRule,
    KPIGroup,
    Material,
    Program,
    Rubric,
    Track,
    Tranche,
)


class TrackInline(admin.TabularInline):
    model = Track
    fields = ("position", "code", "title", "budget", "max_awards", "funding_mode", "joint_policy")
    extra = 0
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "level", "region", "year", "guide_status", "call_opens", "call_closes",
                    "total_budget")
    list_filter = ("level", "year", "guide_status")
    readonly_fields = ("published_at", "published_by")
    search_fields = ("code", "title", "issuer")
    list_select_related = ("region", "region__parent", "region__parent__parent")
    inlines = [TrackInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            # Each option's label is the region's full name (district, city, province): load the parents with it.
            kwargs["queryset"] = Region.objects.select_related("parent", "parent__parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TranchePlanFormSet(BaseInlineFormSet):
    """A track's tranche plan as the guide loader checks it: the shares add up to 100 %, so the tranches of every
    award add up to the award and each is the share it says."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept or any(f.errors for f in self.forms):
            return
        total = sum((f.cleaned_data.get("share_percent") or Decimal("0") for f in kept), Decimal("0"))
        if total != Decimal("100"):
            raise ValidationError(_("The tranche shares add up to %(total)s %%, not 100 %%: correct the shares "
                                    "(for example 50 and 50).") % {"total": format(total.normalize(), "f")})


class TrancheInline(admin.TabularInline):
    model = Tranche
    formset = TranchePlanFormSet
    extra = 0


class KPIGroupInline(admin.TabularInline):
    model = KPIGroup
    extra = 0
    fields = ("code", "min_count", "text")


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0
    classes = ("collapse",)  # long: folded so the tranche plan and the track fields stay in view
    fields = ("seq", "metric", "comparator", "target", "unit", "qualitative", "group", "text", "origin", "archived_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            track_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = KPIGroup.objects.filter(track_id=track_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RuleInline(admin.StackedInline):
    model = EligibilityRule
    extra = 0
    classes = ("collapse",)  # long: folded so the tranche plan and the track fields stay in view
    fields = ("seq", "kind", "params", "text", "soft", "applies_to", "encoding_note", "origin", "archived_at")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("seq", "title", "required", "note", "origin", "archived_at")


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("program", "code", "title", "budget", "max_awards", "period_months", "funding_mode")
    list_filter = ("program", "funding_mode", "joint_policy")
    search_fields = ("title", "tasks")
    list_select_related = ("program",)
    inlines = [TrancheInline, KPIGroupInline, KPIInline, RuleInline, MaterialInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "source", "is_portal_default")
    inlines = [CriterionInline]


# The calendar changes only through the portal's calendar page, which audits every change.
class CalendarDayInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "notice_title", "entered_by", "entered_at")
    list_select_related = ("entered_by",)
    inlines = [CalendarDayInline]
