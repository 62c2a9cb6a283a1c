"""回避申请 in expert review: an applicant's exclusion that names a pool member (normalised name and employer) is a
conflict the assignment never crosses; officers see which member matched; reviewers never see the list."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Exclusion
from reviews import services
from reviews.conflicts import normalise_name, same_person
from reviews.models import Assignment, ReviewerProfile
from reviews.selectors import conflict_matrix
from tests.conftest import client_for

from .conftest import make_reviewer, passed_application, run_to_reviewing
from .test_blind import pdf_text

REASON = "该专家与本单位存在直接竞争关系"
UNKNOWN = "赵六六"


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages and messages in English (the msgids); the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def excluded_pair(track):
    """An application whose applicant excluded 李四 (in the pool, named with a spaced name and the university only)
    and 赵六六 (not in the pool), and the pool: 李四 and another expert."""
    application = passed_application(track)
    Exclusion.objects.create(application=application, seq=1, name="李 四", employer="华南理工大学", reason=REASON)
    Exclusion.objects.create(application=application, seq=2, name=UNKNOWN, employer="某研究院", reason="曾有纠纷")
    version = application.versions.get()  # as a submission keeps them
    version.snapshot = {**version.snapshot, "exclusions": [
        {"name": "李 四", "employer": "华南理工大学", "reason": REASON},
        {"name": UNKNOWN, "employer": "某研究院", "reason": "曾有纠纷"}]}
    version.save(update_fields=["snapshot"])
    excluded = make_reviewer(name="李四")
    ReviewerProfile.objects.filter(pk=excluded.pk).update(affiliation_name="华南理工大学知识产权学院")
    excluded.refresh_from_db()
    other = make_reviewer(name="陈专家")
    return application, excluded, other


@pytest.mark.parametrize(("name", "employer", "member", "member_employer", "same"), [
    ("李 四", "华南理工大学", "李四", "华南理工大学知识产权学院", True),
    ("ＬＩ　Ｓｉ", "ABC 大学", "li si", "abc大学", True),
    ("李四", "中山大学", "李四", "华南理工大学", False),  # a namesake elsewhere is someone else
    ("李四", "", "李四", "华南理工大学", False),
    ("李", "华南理工大学", "李四", "华南理工大学", False),
])
def test_same_person_compares_normalised_name_and_employer(name, employer, member, member_employer, same):
    assert same_person(name, employer, member, member_employer) is same


def test_normalise_name_folds_width_spaces_and_dots():
    assert normalise_name(" 阿卜杜·热合曼 ") == normalise_name("阿卜杜热合曼") == "阿卜杜热合曼"


def test_conflict_matrix_marks_the_excluded_member_only(nansha):
    application, excluded, other = excluded_pair(nansha)
    found = conflict_matrix([application.pk], [excluded, other])
    assert found == {(application.pk, excluded.pk): "excluded"}
    assert conflict_matrix([application.pk], [excluded, other], with_exclusions=False) == {}


def test_assignment_never_assigns_an_excluded_pool_member(officer, nansha):
    application, excluded, other = excluded_pair(nansha)
    second = passed_application(nansha)  # without exclusions: 李四 may review it
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=2)
    services.assignment_propose(actor=officer, review_round=review_round)
    assigned = set(Assignment.objects.filter(round=review_round).values_list("application_id", "reviewer_id"))
    # the excluded application takes the one other expert and waits for a second (a shortfall, not 李四)
    assert assigned == {(application.pk, other.pk), (second.pk, other.pk), (second.pk, excluded.pk)}


def test_assignment_by_hand_refuses_an_excluded_member(officer, nansha):
    application, excluded, _other = excluded_pair(nansha)
    review_round = services.round_open(actor=officer, track=nansha, reviewers_per_application=1)
    with pytest.raises(ValidationError) as caught:
        services.assignment_add(actor=officer, review_round=review_round, application=application, reviewer=excluded)
    assert caught.value.messages == [
        "李四 has a conflict of interest with this application: named by the applicant as an expert who should not "
        "review (回避申请)."]
    assert not Assignment.objects.filter(application=application, reviewer=excluded).exists()


def test_officer_sees_the_exclusions_and_the_member_matched(client, officer, nansha):
    application, excluded, _other = excluded_pair(nansha)
    client_for(client, officer)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert REASON in page and UNKNOWN in page
    assert "李四 (华南理工大学知识产权学院)" in page and "none in the pool" in page


def test_applicant_sees_its_own_exclusions_without_the_pool(client, nansha):
    application, _excluded, _other = excluded_pair(nansha)
    client_for(client, application.created_by)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert REASON in page and "华南理工大学知识产权学院" not in page and "Pool member matched" not in page


def test_exclusions_never_reach_a_reviewer(client, officer, nansha, inline_tasks, django_capture_on_commit_callbacks):
    application, excluded, other = excluded_pair(nansha)
    with django_capture_on_commit_callbacks(execute=True):  # the reviewer's PDF is made on commit
        review_round = run_to_reviewing(officer, nansha, per_application=1)
    assignment = Assignment.objects.get(round=review_round, application=application)
    assert assignment.reviewer_id == other.pk
    client_for(client, other.user)
    pages = {"declaration": client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()}
    client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    pages.update({
        "assignment": client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode(),
        "queue": client.get(reverse("reviews:queue")).content.decode(),
        "dashboard": client.get(reverse("dashboards:reviewer")).content.decode(),
        "inbox": client.get(reverse("notifications:inbox")).content.decode(),
        "PDF": pdf_text(client.get(reverse("reviews:dossier_pdf", args=[assignment.pk]))),
    })
    assert application.reference in pages["PDF"]
    for name, text in pages.items():
        for secret in ("李四", "李 四", UNKNOWN, REASON, "回避申请"):
            assert secret not in text, f"the reviewer's {name} shows {secret}"
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
