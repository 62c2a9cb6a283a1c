"""The finder's pages: the anonymous quick check stores nothing, the applicant's list starts an application, the
office's forecast runs the bulk match as a job; each in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from applications.models import Application, Status
from finder.models import DemandSnapshot, Phase
from jobs.models import Job, JobState
from organisations.choices import OrgType
from programs.models import Track
from tests.factories import UserFactory

from .conftest import (
    FANGCHENGGANG,
    GUANGDONG,
    NANSHA,
    QINGYUAN,
    YUEXIU,
    open_call,
    organisation_of,
    patent_heavy_firm,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


QUICK = {"region": "440115", "org_type": OrgType.ENTERPRISE, "revenue": "5000万", "rd_spend": "300万",
         "ip_spend": "60万", "invention_patents": "12", "other_patents": "3", "legal_person": "on"}


def test_quick_check_lists_the_calls_and_stores_nothing(client, calls_open):
    before = _counts()
    response = client.get(reverse("finder:check"), QUICK)
    assert response.status_code == 200
    assert _counts() == before
    rows = {(r.track.program.code, r.track.code): r for r in response.context["rows"]}
    assert rows[(NANSHA, "1")].verdict.code == "eligible"
    assert rows[(YUEXIU, "1")].verdict.code == "not_eligible"
    assert response.context["rows"][0].track.program.code == NANSHA


def test_quick_check_says_what_each_call_still_needs(client, calls_open):
    response = client.get(reverse("finder:check"), {**QUICK, "rd_spend": "", "revenue": "", "ip_spend": ""})
    row = {(r.track.program.code, r.track.code): r for r in response.context["rows"]}[(NANSHA, "1")]
    kinds = {r.result.kind for r in row.rows}
    assert {"rd_intensity", "ip_spend_share"} <= kinds  # the figures it needs, soft conditions of the guide
    assert row.verdict.code == "soft"


def test_quick_check_bad_input_names_the_field_and_lists_nothing(client, calls_open):
    before = _counts()
    response = client.get(reverse("finder:check"), {**QUICK, "revenue": "很多", "invention_patents": "-1"})
    assert response.context["rows"] is None
    assert set(response.context["form"].errors) == {"revenue", "invention_patents"}
    assert _counts() == before


def test_quick_check_in_chinese_and_english(client, calls_open):
    zh = client.get(reverse("finder:check"), QUICK, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "可申报" in zh or "符合" in zh
    client.cookies.load({"django_language": "en"})
    en = client.get(reverse("finder:check"), QUICK).content.decode()
    assert "Eligible" in en


def test_finder_mine_lists_and_starts_an_application(client, applicant, calls_open):
    firm = patent_heavy_firm(members=[applicant])
    client.force_login(applicant)
    response = client.get(reverse("finder:mine"))
    rows = response.context["rows"]
    nansha = next(r for r in rows if r.track.program.code == NANSHA)
    assert nansha.verdict.may_apply
    assert f'action="{reverse("applications:start", args=[nansha.track.pk])}"' in response.content.decode()
    started = client.post(reverse("applications:start", args=[nansha.track.pk]), {"organisation": firm.pk})
    application = Application.objects.get(organisation=firm, track=nansha.track)
    assert started.status_code == 302 and application.status == Status.DRAFT
    again = {r.track.pk: r for r in client.get(reverse("finder:mine")).context["rows"]}[nansha.track.pk]
    assert again.application == application


def test_finder_mine_filters_by_office_and_region(client, applicant, calls_open):
    patent_heavy_firm(members=[applicant])
    client.force_login(applicant)
    office = calls_open[QINGYUAN].office_id
    rows = client.get(reverse("finder:mine"), {"office": office}).context["rows"]
    assert rows and {r.track.program.office_id for r in rows} == {office} == {"qingyuan"}
    rows = client.get(reverse("finder:mine"), {"call_region": "440100"}).context["rows"]
    assert {r.track.program.code for r in rows} == {NANSHA, YUEXIU}
    # A filter value that names nothing is ignored, and the page says so.
    response = client.get(reverse("finder:mine"), {"call_region": "999999"})
    assert response.context["filter_form"].errors and len(response.context["rows"]) > 2


def test_finder_mine_another_members_organisation_is_404(client, applicant, other_applicant, calls_open):
    theirs = patent_heavy_firm(members=[other_applicant])
    client.force_login(applicant)
    assert client.get(reverse("finder:mine"), {"organisation": theirs.pk}).status_code == 404


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_finder_mine_fixed_queries_one_or_many_tracks_and_applications(client, applicant, officer):
    firm = patent_heavy_firm(members=[applicant])
    client.force_login(applicant)
    open_call(officer, NANSHA)
    one = _queries(client, reverse("finder:mine"))
    for code in (YUEXIU, GUANGDONG, QINGYUAN, FANGCHENGGANG):
        open_call(officer, code)
    for track in Track.objects.filter(program__code=QINGYUAN)[:4]:
        Application.objects.create(organisation=firm, track=track, reference=f"T-{track.pk}", created_by=applicant)
    many = _queries(client, reverse("finder:mine"))
    assert len(client.get(reverse("finder:mine")).context["rows"]) > 40
    assert one == many


def test_quick_check_fixed_queries_one_or_many_tracks(client, officer):
    open_call(officer, NANSHA)
    one = _queries(client, reverse("finder:check"), QUICK)
    for code in (YUEXIU, GUANGDONG, QINGYUAN, FANGCHENGGANG):
        open_call(officer, code)
    assert _queries(client, reverse("finder:check"), QUICK) == one


def test_forecast_runs_the_bulk_match_as_a_job(client, officer, calls_open, inline_tasks,
                                               django_capture_on_commit_callbacks):
    patent_heavy_firm()
    organisation_of(OrgType.PATENT_AGENCY, "441802")
    upcoming = open_call(officer, FANGCHENGGANG, opens_in=10)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("finder:forecast_run")).status_code == 302
    job = Job.objects.get(kind="finder.bulk_match")
    assert job.state == JobState.DONE and job.progress == 100
    assert job.summary["organisations"] == 2
    nansha = DemandSnapshot.objects.get(track__program__code=NANSHA, track__code="1")
    assert (nansha.phase, nansha.eligible, nansha.matching) == (Phase.AFTER, 1, 1)
    before = DemandSnapshot.objects.filter(track__program=upcoming)
    assert before.exists() and set(before.values_list("phase", flat=True)) == {Phase.BEFORE}
    assert DemandSnapshot.objects.get(track__program__code=GUANGDONG, track__code="1").eligible == 1
    page = client.get(reverse("finder:forecast"))
    row = next(r for r in page.context["rows"] if r.track.pk == nansha.track_id)
    assert row.after.matching == 1 and row.before is None


def test_forecast_fixed_queries_one_or_many_tracks(client, officer):
    client.force_login(officer)
    open_call(officer, NANSHA)
    one = _queries(client, reverse("finder:forecast"))
    for code in (YUEXIU, GUANGDONG, QINGYUAN, FANGCHENGGANG):
        open_call(officer, code)
    assert _queries(client, reverse("finder:forecast")) == one


def test_forecast_scoped_to_the_officers_offices(client, calls_open, inline_tasks, django_capture_on_commit_callbacks):
    """A district's officer sees its own tracks only, and its bulk match computes only those; the city above it
    reads its districts' figures."""
    patent_heavy_firm()
    nansha_officer = UserFactory(role=Role.OFFICER, offices=["gz-nansha"])
    client.force_login(nansha_officer)
    rows = client.get(reverse("finder:forecast")).context["rows"]
    assert {r.track.program.code for r in rows} == {NANSHA}
    assert [code for code, _name in client.get(reverse("finder:forecast")).context["filter_form"]
            .fields["office"].choices if code] == ["gz-nansha"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finder:forecast_run"))
    assert set(DemandSnapshot.objects.values_list("track__program__code", flat=True)) == {NANSHA}
    client.force_login(UserFactory(role=Role.OFFICER, offices=["gz"]))
    rows = client.get(reverse("finder:forecast")).context["rows"]
    assert {r.track.program.code for r in rows} == {NANSHA, YUEXIU}


def test_quick_check_filters_by_office_and_sorts_by_deadline(client, officer, calls_open):
    open_call(officer, QINGYUAN, opens_in=-3, days=5)  # closes before the others
    rows = client.get(reverse("finder:check"), {**QUICK, "region": "441802", "sort": "deadline"}).context["rows"]
    eligible = [r for r in rows if r.verdict.code == "eligible"]
    assert eligible and eligible[0].track.program.code == QINGYUAN
    only = client.get(reverse("finder:check"), {**QUICK, "office": "gz-nansha"}).context["rows"]
    assert {r.track.program.code for r in only} == {NANSHA}
