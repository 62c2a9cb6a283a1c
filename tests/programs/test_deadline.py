"""The call deadline, one selector and one template tag, counted in Asia/Shanghai days; shown on the track page,
the start page, the application form and "my applications"; the home page lists open calls."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from programs.models import Material, Program, Track
from programs.selectors import call_deadline, office_today
from tests.applications.conftest import NANSHA, make_org, valid_draft
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def program(closes: dt.date | None, opens: dt.date | None = dt.date(2026, 1, 1)) -> Program:
    return Program(code="x", title="x", call_opens=opens, call_closes=closes)


def test_call_deadline_counts_days_in_shanghai_not_utc():
    closes = dt.date(2027, 2, 20)
    late_evening = dt.datetime(2027, 2, 19, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai on the 19th
    after_midnight = dt.datetime(2027, 2, 19, 16, 30, tzinfo=UTC)  # 00:30 in Shanghai on the 20th
    assert call_deadline(program(closes), now=late_evening).days_left == 1
    assert call_deadline(program(closes), now=after_midnight).days_left == 0
    assert call_deadline(program(closes), now=dt.datetime(2027, 2, 20, 16, 1, tzinfo=UTC)).closed
    assert call_deadline(program(closes), now=dt.datetime(2026, 11, 22, 4, tzinfo=UTC)).days_left == 90


def test_call_deadline_none_when_the_guide_states_none():
    assert call_deadline(program(None)) is None


def render(p: Program, language: str, style: str = "badge") -> str:
    with translation.override(language):
        return Template("{% load programs_tags %}{% deadline p style %}").render(
            Context({"p": p, "style": style})).strip()


def test_deadline_tag_reads_days_left_in_both_languages():
    closes = office_today() + dt.timedelta(days=90)
    p = program(closes, opens=office_today() - dt.timedelta(days=1))
    assert f"申报截止 {closes:%Y-%m-%d}，剩 90 天" in render(p, "zh-hans")
    assert f"Deadline {closes:%Y-%m-%d}, 90 days left" in render(p, "en")
    one = program(office_today() + dt.timedelta(days=1), opens=office_today())
    assert "1 day left" in render(one, "en") and "text-bg-warning" in render(one, "en")


def test_deadline_tag_last_day_closed_and_upcoming():
    today = office_today()
    assert "今天截止" in render(program(today, opens=today), "zh-hans")
    assert f"Closed on {today - dt.timedelta(days=1):%Y-%m-%d}" in render(
        program(today - dt.timedelta(days=1)), "en")
    upcoming = program(today + dt.timedelta(days=40), opens=today + dt.timedelta(days=10))
    assert f"Opens {today + dt.timedelta(days=10):%Y-%m-%d}" in render(upcoming, "en", "alert")
    assert render(program(None), "en") == ""


# ---------------------------------------------------------------- the pages that show it


@pytest.fixture
def open_nansha(db):
    track = Track.objects.get(program__code=NANSHA)
    closes = office_today() + dt.timedelta(days=90)
    Program.objects.filter(pk=track.program_id).update(call_opens=office_today() - dt.timedelta(days=1),
                                                        call_closes=closes)
    Material.objects.get_or_create(track=track, seq=1, defaults={"title": "项目申报书", "required": True})
    return Track.objects.select_related("program").get(pk=track.pk), f"申报截止 {closes:%Y-%m-%d}，剩 90 天"


def test_deadline_on_the_track_page(client, open_nansha):
    track, text = open_nansha
    assert text in client.get(reverse("programs:track", args=[NANSHA, track.code])).content.decode()


def test_deadline_on_the_start_page_form_and_my_applications(client, applicant, open_nansha):
    track, text = open_nansha
    org = make_org(applicant)
    client_for(client, applicant)
    assert text in client.get(reverse("applications:start", args=[track.pk])).content.decode()
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    assert text in client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert text in client.get(reverse("applications:mine")).content.decode()


# ---------------------------------------------------------------- home page


def test_home_lists_open_calls_with_deadlines_and_how_to_apply(client, open_nansha):
    _track, text = open_nansha
    Program.objects.exclude(code=NANSHA).update(call_opens=None, call_closes=None)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert [p.code for p in response.context["open_calls"]] == [NANSHA]
    assert text in body and "如何申报" in body and body.count('class="list-group-item"><span class="fw-semibold">') == 3


def test_home_in_english(client, open_nansha):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("home")).content.decode()
    assert "How to apply" in body and "90 days left" in body


def test_home_query_count_is_fixed(client):
    today = office_today()
    Program.objects.update(call_opens=None, call_closes=None)
    first = Program.objects.order_by("code").first()
    Program.objects.filter(pk=first.pk).update(call_opens=today, call_closes=today + dt.timedelta(days=5))
    from django.db import connection

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse("home")).context["open_calls"]) == 1
    Program.objects.update(call_opens=today, call_closes=today + dt.timedelta(days=5))
    total = Program.objects.filter(guide_status="final").count()  # a draft for comment takes no applications
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert len(response.context["open_calls"]) == total > 1
    assert len(one.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize(("role", "target"), [
    ("applicant", "dashboards:applicant"), ("officer", "dashboards:officer"),
    ("admin", "dashboards:admin"), ("reviewer", "dashboards:reviewer"), ("other_applicant", "dashboards:applicant"),
])
def test_home_signed_in_users_go_to_their_start_page(request, client, role, target):
    response = client_for(client, request.getfixturevalue(role)).get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(target)


def test_timezone_setting_is_not_what_the_deadline_relies_on(settings):
    settings.TIME_ZONE = "UTC"
    assert office_today(timezone.now()) == timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
