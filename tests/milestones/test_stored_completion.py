"""KPI completion kept on each report: computed when the unit submits and again when the office accepts, equal to
the figures worked out here from the guide's targets without milestones.completion; the data migration fills the
figures of reports submitted before the fields existed."""

import importlib
import operator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.apps import apps

from milestones.models import KpiReport, ReportState
from milestones.services import report_review, report_submit
from programs.models import KPI

from .conftest import unit_member
from .test_reports import REACHED, fcg_project  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
COMPARE = {"gte": operator.ge, "gt": operator.gt, "eq": operator.eq, "lte": operator.le, "": operator.ge}


def expected_figures(project, reached: dict) -> tuple[Decimal | None, int, int]:
    """(percent, met, requirements) from the track's live KPIs: an ungrouped KPI with a target counts once when
    the value reached meets it; a group counts once when at least ``min_count`` of its KPIs meet theirs."""
    kpis = KPI.objects.filter(track=project.application.track, archived_at__isnull=True).select_related("group")
    single, groups = [], {}
    for kpi in kpis:
        if kpi.qualitative or kpi.target is None:
            continue
        value = reached.get(kpi.pk)
        met = value is not None and COMPARE[kpi.comparator](value, kpi.target)
        if kpi.group_id is None:
            single.append(met)
        else:
            groups.setdefault(kpi.group_id, (kpi.group.min_count, []))[1].append(met)
    requirements = len(single) + len(groups)
    met = sum(single) + sum(sum(members) >= need for need, members in groups.values())
    percent = ((Decimal(met) * 100 / requirements).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
               if requirements else None)
    return percent, met, requirements


def stored(report) -> tuple[Decimal | None, int | None, int | None]:
    report = KpiReport.objects.get(pk=report.pk)
    return report.completion_percent, report.kpi_satisfied, report.kpi_requirements


def _values(project, scale: str | None) -> dict:
    kpis = {k.metric: k for k in project.application.track.kpis.all()}
    if scale is None:
        return {kpis[m].pk: Decimal(v) for m, v in REACHED.items()}
    return {kpis[m].pk: Decimal(scale) for m in REACHED}


@pytest.mark.parametrize("scale", [None, "0", "100000"])
def test_report_review_accept_stores_completion_computed_independently(fcg_project, officer, scale):  # noqa: F811
    report = fcg_project.reports.get(seq=1)
    values = _values(fcg_project, scale)
    report_submit(actor=unit_member(fcg_project), report=report, values=values, narrative="进展。")
    report_review(actor=officer, report=report, accept=True)
    figures = stored(report)
    assert figures == expected_figures(fcg_project, values)
    assert figures[2] == 4  # three ungrouped targets and one group (tests/milestones/test_reports.py)
    if scale is None:
        assert figures == (Decimal("75.0"), 3, 4)


def test_report_submit_stores_figures_and_acceptance_keeps_the_accepted_values(fcg_project, officer):  # noqa: F811
    unit = unit_member(fcg_project)
    report = fcg_project.reports.get(seq=1)
    assert stored(report) == (None, None, None)  # scheduled: nothing reported yet
    report_submit(actor=unit, report=report, values=_values(fcg_project, "0"), narrative="进展。")
    assert stored(report) == (Decimal("0.0"), 0, 4)
    report_review(actor=officer, report=report, accept=False, comments="请补充")
    values = _values(fcg_project, None)
    report_submit(actor=unit, report=report, values=values, narrative="已补充")
    report_review(actor=officer, report=report, accept=True)
    assert KpiReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED
    assert stored(report) == expected_figures(fcg_project, values) == (Decimal("75.0"), 3, 4)


def test_report_review_accept_recomputes_after_the_track_changed(fcg_project, officer):  # noqa: F811
    """A KPI archived between submission and acceptance no longer counts: the figures are those of acceptance."""
    report = fcg_project.reports.get(seq=1)
    values = _values(fcg_project, None)
    report_submit(actor=unit_member(fcg_project), report=report, values=values, narrative="进展。")
    missed = fcg_project.application.track.kpis.get(metric="其中培育高价值发明专利")  # ungrouped, missed
    KPI.objects.filter(pk=missed.pk).update(archived_at="2025-01-01T00:00:00Z")
    report_review(actor=officer, report=report, accept=True)
    assert stored(report) == expected_figures(fcg_project, values) == (Decimal("100.0"), 3, 3)


def test_migration_fill_computes_the_figures_of_reports_already_submitted(fcg_project, officer):  # noqa: F811
    migration = importlib.import_module("milestones.migrations.0007_kpi_report_stored_completion")
    unit = unit_member(fcg_project)
    first, final = fcg_project.reports.order_by("seq")
    values = _values(fcg_project, None)
    report_submit(actor=unit, report=first, values=values, narrative="进展。")
    report_review(actor=officer, report=first, accept=True)
    report_submit(actor=unit, report=final, values=_values(fcg_project, "0"), narrative="结题。")
    KpiReport.objects.update(completion_percent=None, kpi_satisfied=None, kpi_requirements=None)

    migration.fill(apps, None)

    assert stored(first) == expected_figures(fcg_project, values) == (Decimal("75.0"), 3, 4)
    assert stored(final) == (Decimal("0.0"), 0, 4)
