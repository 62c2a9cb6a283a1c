import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.choices import OrgType
from organisations.models import Region

from .models import CallStatus, Level, Program


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms styled like the rest of the portal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)


class ProgramFilter(BootstrapFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.select_related("parent__parent").order_by("code"),
        method="filter_region",
    )
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Call status"), choices=CallStatus.choices)
    applicant_type = django_filters.ChoiceFilter(
        label=_("Applicant type"), choices=OrgType.choices, method="filter_applicant_type"
    )

    class Meta:
        model = Program
        fields = ["level", "region", "year", "status", "applicant_type"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(region=value) | Q(region__parent=value) | Q(region__parent__parent=value))

    def filter_applicant_type(self, queryset, name, value):
        # Tracks whose guide names no applicant type are open to every type.
        return queryset.filter(
            Q(tracks__eligible_org_types__icontains=f'"{value}"') | Q(tracks__eligible_org_types=[])
        ).distinct()
