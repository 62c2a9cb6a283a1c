"""Issue 18, "the guides, read once more": targets without a number count toward a group when committed in words
(清远 六 可选一个或数个), 越秀 8 keeps its 越秀区 rule, and the formal-review queue tells a soft failure (原则上,
explained) from a hard one."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.checks import active_kpis, kpi_group_problems
from applications.eligibility import Outcome, Overall, evaluate, facts_for
from applications.models import Application
from organisations.models import FinancialYear
from programs.models import RuleKind, Track

from .conftest import make_org, valid_submission
from .test_queue import copies, count_queries

pytestmark = pytest.mark.django_db
QINGYUAN = "qingyuan-2023-ip-reserve-projects"
YUEXIU = "yuexiu-2018-ip-operation-fund-plan"


def qingyuan_six() -> list:
    return active_kpis(Track.objects.get(program__code=QINGYUAN, code="6"))


def test_kpi_group_counts_a_target_without_a_number_committed_in_words():
    kpis = qingyuan_six()
    words = [k for k in kpis if k.qualitative]
    assert len(words) == 3 and all(k.group_id for k in kpis)  # 一个或数个 of 4 targets (two figures in one)
    values = {k.pk: (None, "") for k in kpis} | {words[0].pk: (None, "新增产值带动就业200人")}
    assert kpi_group_problems(kpis, values) == []


def test_kpi_group_refuses_none_committed_naming_the_field_of_the_first_target():
    kpis = qingyuan_six()
    blank = {k.pk: (None, "  ") for k in kpis}
    ((field, message),) = kpi_group_problems(kpis, blank)
    assert field == f"kpinote_{kpis[0].pk}"  # the first target has no number: its words field
    assert "带来显著经济效益或社会效益" in message and "用文字写明" in message


def test_kpi_group_numeric_target_below_the_guide_still_does_not_count():
    kpis = qingyuan_six()
    sales = next(k for k in kpis if not k.qualitative)
    values = {k.pk: (None, "") for k in kpis} | {sales.pk: (sales.target - 1, "")}
    assert len(kpi_group_problems(kpis, values)) == 1


def _yuexiu_eight_verdict(region: str):
    track = Track.objects.get(program__code=YUEXIU, code="8")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=f"u{region}", password="x")
    org = make_org(user, region=region, org_type="university")
    facts = facts_for(organisation_id=org.pk, requested_amount=None, matching_funds=None,
                      on=timezone.localdate(), partners=())
    return {r.kind: r for r in evaluate(track.rules.all(), facts).results}


def test_yuexiu_eight_refuses_a_tianhe_university_and_admits_a_yuexiu_one():
    tianhe = _yuexiu_eight_verdict("440106")
    assert tianhe[RuleKind.REGION].outcome == Outcome.FAIL and not tianhe[RuleKind.REGION].soft
    assert tianhe[RuleKind.OFFICER].outcome == Outcome.OFFICER  # the lab level stays the officer's
    yuexiu = _yuexiu_eight_verdict("440104")
    assert yuexiu[RuleKind.REGION].outcome == Outcome.PASS


# --- the queue ------------------------------------------------------------------------------------------------------


@pytest.fixture
def soft_failed(applicant, org, ready_draft, nansha, django_capture_on_commit_callbacks) -> Application:
    """Submitted with Nansha's R&D rule (原则上不低于3%) failed and explained."""
    FinancialYear.objects.filter(organisation=org).update(rd_spend=Decimal("210000"))
    rule = nansha.rules.get(kind="rd_intensity")
    data = valid_submission(nansha)
    data.explanations = {rule.pk: "研发投入集中在2025年"}
    with django_capture_on_commit_callbacks(execute=False):
        return services.application_submit(actor=applicant, application=ready_draft, data=data)


def test_queue_shows_a_soft_failure_apart_from_a_hard_one(client, officer, soft_failed):
    assert soft_failed.verdict_overall == Overall.SOFT_FAIL == soft_failed.verdict["overall"]
    (hard,) = copies(soft_failed, 1)
    Application.objects.filter(pk=hard.pk).update(verdict_overall=Overall.FAIL)
    client.force_login(officer)
    url = reverse("applications:officer_queue")
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="outcome-soft_fail text-nowrap"' in body and "Soft failure, explained" in body
    assert 'class="outcome-fail text-nowrap">Fails<' in body
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "原则性条件未满足（已说明理由）" in zh
    only_soft = client.get(url + "?eligibility=soft_fail").context["page"]
    assert [a.pk for a in only_soft] == [soft_failed.pk]
    assert [a.pk for a in client.get(url + "?eligibility=fail").context["page"]] == [hard.pk]


def test_queue_soft_failure_filter_costs_the_same_for_one_and_many_rows(client, officer, soft_failed,
                                                                       django_assert_num_queries):
    client.force_login(officer)
    url = reverse("applications:officer_queue") + "?eligibility=soft_fail"
    one = count_queries(client, url)
    more = copies(soft_failed, 30)
    Application.objects.filter(pk__in=[a.pk for a in more]).update(verdict_overall=Overall.SOFT_FAIL)
    with django_assert_num_queries(one):
        assert client.get(url).context["page"].paginator.count == 31


def test_migration_reads_a_stored_soft_only_failure_as_soft_fail(soft_failed):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("applications.migrations.0012_verdict_soft_failure")
    Application.objects.filter(pk=soft_failed.pk).update(
        verdict_overall="fail", verdict={**soft_failed.verdict, "overall": "fail"})
    (hard,) = copies(soft_failed, 1)
    Application.objects.filter(pk=hard.pk).update(
        verdict_overall="fail", verdict={"results": [{"outcome": "fail", "soft": False}], "overall": "fail"})
    migration.forwards(apps, None)
    soft_failed.refresh_from_db()
    hard.refresh_from_db()
    assert (soft_failed.verdict_overall, soft_failed.verdict["overall"]) == ("soft_fail", "soft_fail")
    assert hard.verdict_overall == "fail"


def test_submission_problems_accept_a_qingyuan_six_application_committing_one_target_in_words(applicant):
    from applications.models import Application as App

    track = Track.objects.get(program__code=QINGYUAN, code="6")
    org = make_org(applicant, region="441802")
    application = App.objects.create(reference="QY-T-1", track=track, organisation=org, created_by=applicant)
    kpis = active_kpis(track)
    words = next(k for k in kpis if k.qualitative)
    data = valid_submission(track)
    data.kpis = {k.pk: (None, "") for k in kpis} | {words.pk: (None, "带动山区就业200人")}
    problems = services.submission_problems(application, data)
    assert not [key for key in problems if key.startswith(("kpi_", "kpinote_"))], problems
    data.kpis = {k.pk: (None, "") for k in kpis}
    assert f"kpinote_{kpis[0].pk}" in services.submission_problems(application, data)
