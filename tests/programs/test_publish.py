"""A draft for comment (征求意见稿) is marked on every page and takes applications only once published."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from programs.models import GuideStatus, Program, Track
from programs.selectors import is_call_open
from programs.services import program_publish

pytestmark = pytest.mark.django_db
YUEXIU = "yuexiu-2018-ip-operation-fund-plan"


@pytest.fixture
def draft_guide(db) -> Program:
    today = timezone.localdate()
    Program.objects.filter(code=YUEXIU).update(
        guide_status=GuideStatus.DRAFT_FOR_COMMENT, published_at=None, published_by=None,
        call_opens=today - dt.timedelta(days=1), call_closes=today + dt.timedelta(days=30),
    )
    return Program.objects.get(code=YUEXIU)


def test_program_publish_opens_a_draft_for_applications_and_is_audited(draft_guide, officer):
    assert not is_call_open(draft_guide)
    program = program_publish(actor=officer, program=draft_guide, reason="区局2018年第3次局务会通过")
    assert program.published_at is not None and program.published_by == officer
    assert is_call_open(Program.objects.get(pk=draft_guide.pk))
    event = AuditEvent.objects.get(action="publish", object_id=str(draft_guide.pk))
    assert event.actor == officer and event.from_state == GuideStatus.DRAFT_FOR_COMMENT
    assert event.to_state == "published" and event.reason == "区局2018年第3次局务会通过"


def test_program_publish_refused_twice(draft_guide, officer):
    program_publish(actor=officer, program=draft_guide, reason="决定")
    with pytest.raises(ValidationError) as exc:
        program_publish(actor=officer, program=draft_guide, reason="again")
    assert exc.value.code == "already_published"
    assert AuditEvent.objects.filter(action="publish").count() == 1


def test_program_publish_refused_for_a_final_guide(officer):
    program = Program.objects.get(code="nansha-2024-high-value-patent-center")
    with pytest.raises(ValidationError) as exc:
        program_publish(actor=officer, program=program, reason="x")
    assert exc.value.code == "not_draft"
    assert Program.objects.get(pk=program.pk).published_at is None


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_program_publish_refused_for_a_wrong_role(draft_guide, request, role):
    with pytest.raises(PermissionDenied):
        program_publish(actor=request.getfixturevalue(role), program=draft_guide, reason="x")
    assert Program.objects.get(pk=draft_guide.pk).published_at is None


def test_program_publish_needs_a_reason(draft_guide, officer):
    with pytest.raises(ValidationError) as exc:
        program_publish(actor=officer, program=draft_guide, reason="  ")
    assert "reason" in exc.value.message_dict
    assert Program.objects.get(pk=draft_guide.pk).published_at is None


@pytest.mark.parametrize("role", ["anonymous", "applicant", "other_applicant", "reviewer", "officer", "admin"])
def test_draft_banner_on_program_and_track_pages(client, request, role, draft_guide):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    track = Track.objects.filter(program=draft_guide).first()
    for url in (reverse("programs:program", args=[YUEXIU]), reverse("programs:track", args=[YUEXIU, track.code])):
        body = client.get(url).content.decode()
        assert "draft-banner" in body
        publish_link = reverse("programs:publish", args=[YUEXIU])
        assert (publish_link in body) == (role in {"officer", "admin"})
        assert reverse("applications:start", args=[track.pk]) not in body


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "reviewer"])
def test_publish_page_is_404_for_non_officers(client, request, role, draft_guide):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("programs:publish", args=[YUEXIU])).status_code == 404
    assert client.post(reverse("programs:publish", args=[YUEXIU]), {"reason": "x"}).status_code == 404
    assert Program.objects.get(pk=draft_guide.pk).published_at is None


def test_publish_page_anonymous_goes_to_sign_in(client, draft_guide):
    response = client.get(reverse("programs:publish", args=[YUEXIU]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_publish_page_404_for_a_final_guide(client, officer):
    client.force_login(officer)
    assert client.get(reverse("programs:publish", args=["nansha-2024-high-value-patent-center"])).status_code == 404


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_publish_page_officer_publishes(client, request, role, draft_guide):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.post(reverse("programs:publish", args=[YUEXIU]), {"reason": "局务会通过"})
    assert response.status_code == 302
    program = Program.objects.get(pk=draft_guide.pk)
    assert program.published_by == user
    track = Track.objects.filter(program=program).first()
    client.force_login(request.getfixturevalue("applicant"))
    body = client.get(reverse("programs:track", args=[YUEXIU, track.code])).content.decode()
    assert reverse("applications:start", args=[track.pk]) in body


def test_publish_page_without_reason_says_so_and_changes_nothing(client, officer, draft_guide):
    client.force_login(officer)
    response = client.post(reverse("programs:publish", args=[YUEXIU]), {"reason": ""})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert Program.objects.get(pk=draft_guide.pk).published_at is None


def test_application_start_refused_on_an_unpublished_draft(client, applicant, draft_guide):
    from applications.models import Application
    from tests.applications.conftest import make_org

    org = make_org(applicant, region="440104")
    track = Track.objects.filter(program=draft_guide).first()
    client.force_login(applicant)
    client.post(reverse("applications:start", args=[track.pk]), {"organisation": org.pk})
    assert not Application.objects.filter(track=track).exists()


def test_home_lists_a_draft_for_comment_only_once_published(client, draft_guide, officer):
    assert draft_guide not in client.get(reverse("home")).context["open_calls"]
    program_publish(actor=officer, program=draft_guide, reason="局务会通过")
    assert draft_guide in client.get(reverse("home")).context["open_calls"]
