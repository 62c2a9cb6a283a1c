"""The project list's filters: by state, and the projects waiting for the office (the officer dashboard's "see
all" links)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from programs.filters import BootstrapFilterSet

from .models import Project, ProjectState
from .selectors import WAITING_REPORTS, WAITING_TRANCHES, projects_waiting


class ProjectFilter(BootstrapFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ProjectState.choices)
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting for the office"), method="filter_waiting",
        choices=[(WAITING_TRANCHES, _("A tranche is due for release")),
                 (WAITING_REPORTS, _("A KPI report waits for review"))],
    )

    class Meta:
        model = Project
        fields = ["state", "waiting"]

    def filter_waiting(self, queryset, name, value):
        return projects_waiting(queryset, value)
