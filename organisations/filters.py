import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import quick_selects

from .choices import OrgType
from .models import Organisation, Region
from .uscc import normalise_uscc


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="filter_q")
    org_type = django_filters.ChoiceFilter(label=_("Organisation type"), choices=OrgType.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.select_related("parent", "parent__parent").order_by("code"),
        method="filter_region",
    )

    class Meta:
        model = Organisation
        fields = ["q", "org_type", "region"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__contains=normalise_uscc(value)))

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(region=value) | Q(region__parent=value) | Q(region__parent__parent=value)
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-select" if name in {"org_type", "region"} else "form-control"
            field.widget.attrs.setdefault("class", css)
        quick_selects(self.form)
