import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import quick_selects
from organisations.choices import OrgType

from .models import CallStatus, Level, Program
from .selectors import offices_with_programs, regions_with_programs

EARLIEST_PROGRAM_YEAR, LATEST_PROGRAM_YEAR = 1985, 2100


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms styled like the rest of the portal. A value that cannot be used is marked on its field
    (and listed by _filter_form.html) instead of being dropped in silence; the other filters still apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_form()
        self.mark_invalid()

    def prepare_form(self) -> None:
        """Hook for subclasses to narrow field choices before the form is validated."""

    def mark_invalid(self) -> None:
        errors = self.form.errors if self.is_bound else {}
        for name, field in self.form.fields.items():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            if name in errors:
                css += " is-invalid"
            field.widget.attrs.setdefault("class", css)
        quick_selects(self.form)


class ProgramFilter(BootstrapFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=lambda request: regions_with_programs(), method="filter_region",
        error_messages={"invalid_choice": _("No program is run in that region: choose one from the list.")},
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Office"), queryset=lambda request: offices_with_programs(), field_name="office",
        error_messages={"invalid_choice": _("No program is published by that office: choose one from the list.")},
    )
    year = django_filters.NumberFilter(
        label=_("Year"), min_value=EARLIEST_PROGRAM_YEAR, max_value=LATEST_PROGRAM_YEAR,
        error_messages={"invalid": _("Enter a year as four digits, for example 2024.")},
    )
    status = django_filters.ChoiceFilter(label=_("Call status"), choices=CallStatus.choices)
    applicant_type = django_filters.ChoiceFilter(
        label=_("Applicant type"), choices=OrgType.choices, method="filter_applicant_type"
    )

    class Meta:
        model = Program
        fields = ["level", "region", "office", "year", "status", "applicant_type"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(region=value) | Q(region__parent=value) | Q(region__parent__parent=value))

    def filter_applicant_type(self, queryset, name, value):
        # Tracks whose guide names no applicant type are open to every type.
        return queryset.filter(
            Q(tracks__eligible_org_types__icontains=f'"{value}"') | Q(tracks__eligible_org_types=[])
        ).distinct()
