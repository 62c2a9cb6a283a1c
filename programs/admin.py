from django.contrib import admin

from organisations.models import Region

from .models import KPI, Criterion, EligibilityRule, KPIGroup, Material, Program, Rubric, Track, Tranche


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


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0


class KPIGroupInline(admin.TabularInline):
    model = KPIGroup
    extra = 0
    fields = ("code", "min_count", "text")


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0
    fields = ("seq", "metric", "comparator", "target", "unit", "qualitative", "group", "text", "origin", "archived_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            track_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = KPIGroup.objects.filter(track_id=track_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RuleInline(admin.StackedInline):
    model = EligibilityRule
    extra = 0
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
