"""Each page, per role: the officer's pages, the reviewer's pages (an unassigned reviewer gets 404), publicity."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from jobs.models import JobState
from programs.selectors import rubric_for
from reviews import decisions, services
from reviews.models import Assignment, AssignmentState, Dossier, Review, ReviewState
from tests.conftest import client_for
from tests.jobs.helpers import ask, result
from tests.organisations.factories import OrganisationFactory

from .conftest import end_publicity, make_reviewer, passed_application, run_to_reviewing, score_all

pytestmark = pytest.mark.django_db
SECRET_ORG = "广州保密测试芯片有限公司"
SECRET_PARTNER = "华南保密合作研究院"


@pytest.fixture
def setup(officer, pool_track, django_capture_on_commit_callbacks):
    lead = OrganisationFactory(name=SECRET_ORG, contact_name="李保密")
    partner = OrganisationFactory(name=SECRET_PARTNER, org_type="research_institute")
    application = passed_application(pool_track, organisation=lead, partners=[partner])
    reviewers = [make_reviewer() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        review_round = run_to_reviewing(officer, pool_track, per_application=3)
    assignment = Assignment.objects.filter(round=review_round).first()
    return review_round, application, assignment, reviewers


OFFICER_PAGES = ["overview", "pool", "round", "ranking", "decision"]


def officer_url(name, track_id):
    return reverse(f"reviews:{name}", args=[] if name in ("overview", "pool") else [track_id])


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_officer_pages_per_role(client, name, setup, officer, applicant, reviewer, admin):
    review_round = setup[0]
    url = officer_url(name, review_round.track_id)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    for outsider in (applicant, reviewer):
        assert client_for(client, outsider).get(url).status_code == 404
    response = client_for(client, officer).get(url)
    assert response.status_code == 200
    if name == "round":
        assert SECRET_ORG in response.content.decode()  # officers see who applied
    assert client_for(client, admin).get(url).status_code == 200


def test_round_page_of_a_track_without_round_offers_to_open_it(client, officer, nansha):
    passed_application(nansha)
    response = client_for(client, officer).get(reverse("reviews:round", args=[nansha.pk]))
    assert response.context["round"] is None and response.context["form"].initial["reviewers_per_application"] == 3
    response = client.post(reverse("reviews:round", args=[nansha.pk]),
                           {"reviewers_per_application": "5", "blind": "on"})
    assert response.status_code == 302 and nansha.review_round.reviewers_per_application == 5


def test_reviewer_queue_lists_only_own_assignments(client, setup, reviewer):
    review_round, application, assignment, reviewers = setup
    own = client_for(client, assignment.reviewer.user).get(reverse("reviews:queue"))
    assert [a.pk for a in own.context["page"]] == [assignment.pk]
    assert client_for(client, reviewer).get(reverse("reviews:queue")).context["page"].paginator.count == 0



def test_reviewer_pages_name_the_review_deadline_not_the_call_deadline(client, setup):
    review_round, application, assignment, reviewers = setup
    type(review_round).objects.filter(pk=review_round.pk).update(deadline=dt.date(2026, 12, 20))
    client_for(client, assignment.reviewer.user)
    client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    for url in (reverse("reviews:queue"), reverse("reviews:assignment", args=[assignment.pk])):
        page = client.get(url).content.decode()
        assert "评审截止" in page and "2026-12-20" in page
        assert "申报截止" not in page


def test_scoring_form_names_the_portal_criteria_in_english_on_english_pages(client, setup):
    review_round, application, assignment, reviewers = setup
    criterion = rubric_for(review_round.track).criteria.get(seq=1)
    client_for(client, assignment.reviewer.user)
    client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert criterion.title_en in page and criterion.title not in page

@pytest.mark.parametrize("who", ["officer", "applicant", "other_reviewer", "unassigned"])
def test_assignment_page_is_404_for_everyone_but_the_assigned_reviewer(client, setup, request, who):
    review_round, application, assignment, reviewers = setup
    user = {
        "officer": lambda: request.getfixturevalue("officer"),
        "applicant": lambda: application.created_by,
        "other_reviewer": lambda: Assignment.objects.exclude(reviewer=assignment.reviewer)
        .filter(round=review_round).first().reviewer.user,
        "unassigned": lambda: request.getfixturevalue("reviewer"),
    }[who]()
    client_for(client, user)
    for url in (reverse("reviews:assignment", args=[assignment.pk]),
                reverse("reviews:dossier_pdf", args=[assignment.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("reviews:declare", args=[assignment.pk, "accept"])).status_code == 404
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED


def test_reviewer_declares_before_seeing_the_application(client, setup):
    review_round, application, assignment, reviewers = setup
    client_for(client, assignment.reviewer.user)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert application.title not in page and "no-conflict" in page
    client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert application.title in page and "score-form" in page


def test_blind_review_hides_identity_in_the_page_and_the_pdf(client, inline_tasks, setup,
                                                             django_capture_on_commit_callbacks):
    review_round, application, assignment, reviewers = setup
    client_for(client, assignment.reviewer.user)
    with django_capture_on_commit_callbacks(execute=True):  # the redacted PDF is made on commit
        client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    lead = application.organisation
    partner = application.partners.get()
    for secret in (SECRET_ORG, SECRET_PARTNER, lead.uscc, partner.uscc, "李保密", application.created_by.full_name):
        assert secret not in page
    assert "已隐去" in page and "合作单位 1" in page  # the page speaks the reader's language (Chinese by default)
    assert "〔***〕牵头建设" in page  # the organisation's name typed in the plan is withheld too
    assert Dossier.objects.get(application=application).status == Dossier.Status.READY
    response = client.get(reverse("reviews:dossier_pdf", args=[assignment.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert application.reference in text and application.title in text
    for secret in (SECRET_ORG, SECRET_PARTNER, lead.uscc, partner.uscc):
        assert secret not in text


def test_open_review_shows_identity(client, officer, nansha, django_capture_on_commit_callbacks):
    lead = OrganisationFactory(name=SECRET_ORG)
    passed_application(nansha, organisation=lead)
    [make_reviewer() for _ in range(3)]
    review_round = services.round_open(actor=officer, track=nansha, blind=False)
    services.assignment_propose(actor=officer, review_round=review_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_start_review(actor=officer, review_round=review_round)
    assignment = Assignment.objects.filter(round=review_round).first()
    services.assignment_accept(actor=assignment.reviewer.user, assignment=assignment)
    page = client_for(client, assignment.reviewer.user).get(reverse("reviews:assignment", args=[assignment.pk]))
    assert SECRET_ORG in page.content.decode()


def test_scoring_through_the_page_keeps_typed_values_on_errors_and_then_submits(client, setup):
    review_round, application, assignment, reviewers = setup
    client_for(client, assignment.reviewer.user)
    client.post(reverse("reviews:declare", args=[assignment.pk, "accept"]))
    criteria = list(rubric_for(review_round.track).criteria.all())
    url = reverse("reviews:assignment", args=[assignment.pk])
    data = {f"score_{c.pk}": "80" for c in criteria} | {f"score_{criteria[0].pk}": "120", "opinion": "很好",
                                                        "recommendation": "fund", "action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 200 and 'value="120"' in response.content.decode()
    assert Review.objects.get(assignment=assignment).state == ReviewState.DRAFT
    data[f"score_{criteria[0].pk}"] = "90"
    assert client.post(url, data).status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.state == ReviewState.SUBMITTED and review.total == Decimal("83.00")  # 90×30 + 80×70 over 100


def test_other_reviews_are_shown_only_after_submitting_ones_own(client, setup):
    review_round, application, assignment, reviewers = setup
    first, second = Assignment.objects.filter(round=review_round).order_by("pk")[:2]
    score_all(first, 70, opinion="第一位专家的意见")
    services.assignment_accept(actor=second.reviewer.user, assignment=second)
    url = reverse("reviews:assignment", args=[second.pk])
    page = client_for(client, second.reviewer.user).get(url).content.decode()
    assert "第一位专家的意见" not in page
    data = services.ScoreData(scores={c.pk: (Decimal(60), "") for c in rubric_for(review_round.track).criteria.all()},
                              opinion="第二位", recommendation="fund")
    services.review_submit(actor=second.reviewer.user, review=Review.objects.get(assignment=second), data=data)
    assert "第一位专家的意见" in client.get(url).content.decode()


def test_ranking_export_opens_with_numbers_and_translated_headers(client, setup, officer, inline_tasks,
                                                                  django_capture_on_commit_callbacks):
    review_round, application, assignment, reviewers = setup
    for a in Assignment.objects.filter(round=review_round):
        score_all(a, 75)
    client_for(client, officer)
    client.cookies.load({"django_language": "zh-hans"})
    job = ask(client, reverse("reviews:ranking_export", args=[review_round.track_id]),
              django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE and job.result_filename.endswith(".xlsx") and job.language == "zh-hans"
    page = client.get(reverse("reviews:ranking", args=[review_round.track_id])).content.decode()
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in page  # the ranking page offers the download
    book = load_workbook(io.BytesIO(result(client, job)))
    reviews, summary = book.worksheets
    header = [c.value for c in reviews[1]]
    assert header[:5] == ["申报编号", "项目名称", "单位", "项目方向", "评审专家"] and header[-1] == "加权总分"
    rows = [[c.value for c in row] for row in reviews.iter_rows(min_row=2)]
    assert len(rows) == 3 and {r[4] for r in rows} == {r.name for r in reviewers}  # one row per review
    assert all(r[0] == application.reference and r[5:] == [75] * (len(header) - 5) for r in rows)
    assert [c.value for c in summary[1]][:4] == ["排名", "申报编号", "项目名称", "综合得分"]
    row = [c.value for c in summary[2]]
    assert row[:2] == [1, application.reference] and row[3] == 75 and isinstance(row[3], int | float)


@pytest.mark.parametrize(("role", "status"), [("applicant", 404), ("reviewer", 404), ("officer", 302),
                                              ("admin", 302)])
def test_ranking_export_per_role(client, request, setup, role, status, django_capture_on_commit_callbacks):
    from jobs.models import Job

    url = reverse("reviews:ranking_export", args=[setup[0].track_id])
    assert client.post(url).status_code == 302 and not Job.objects.exists()  # anonymous: sign in first
    client_for(client, request.getfixturevalue(role))
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(url).status_code == status
    assert Job.objects.count() == len(callbacks) == (1 if status == 302 else 0)  # queued on commit


def test_publicity_page_is_public_and_takes_objections_from_signed_in_users(client, setup, officer, applicant):
    review_round, application, assignment, reviewers = setup
    for a in Assignment.objects.filter(round=review_round):
        score_all(a, 80)
    url = reverse("reviews:publicity", args=[review_round.pk])
    assert client.get(url).status_code == 404  # nothing published yet
    decisions.round_propose(actor=officer, review_round=review_round)
    decisions.round_start_publicity(actor=officer, review_round=review_round)
    response = client.get(url)
    assert response.status_code == 200 and SECRET_ORG in response.content.decode()
    assert client.post(url, {"reason": "匿名异议"}).status_code == 404
    client_for(client, applicant)
    response = client.post(url, {"reason": "该单位不在越秀区"})
    assert response.status_code == 302 and review_round.objections.get().raised_by == applicant
    end_publicity(review_round)
    response = client.post(url, {"reason": "迟到"})
    assert response.status_code == 200 and review_round.objections.count() == 1
    assert "publicity period" in response.content.decode() or "公示期" in response.content.decode()


def test_notice_pdf_for_officers_and_the_applicant_only(client, inline_tasks, setup, officer, other_applicant, reviewer,
                                                        django_capture_on_commit_callbacks):
    review_round, application, assignment, reviewers = setup
    for a in Assignment.objects.filter(round=review_round):
        score_all(a, 80)
    (award,) = decisions.round_propose(actor=officer, review_round=review_round)
    decisions.round_start_publicity(actor=officer, review_round=review_round)
    end_publicity(review_round)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(client, officer).post(reverse("reviews:award_step", args=[award.pk, "approve"]), {"confirm": "yes"})
    url = reverse("reviews:notice_pdf", args=[award.pk])
    assert client.get(url).status_code == 200
    assert client_for(client, application.created_by).get(url).status_code == 200
    for outsider in (other_applicant, reviewer):
        assert client_for(client, outsider).get(url).status_code == 404
    assert award.application.project.tranches.count() == 2


def test_officer_reopens_a_submitted_review_from_the_assignment_page(client, setup, officer):
    review_round, application, assignment, reviewers = setup
    review = score_all(assignment, 70)
    page = client_for(client, officer).get(reverse("reviews:round", args=[review_round.track_id])).content.decode()
    assert reverse("reviews:review_reopen", args=[review.pk]) in page
    client.post(reverse("reviews:review_reopen", args=[review.pk]), {"reason": "请补充评语"})
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT
    for outsider in (assignment.reviewer.user, application.created_by):
        client_for(client, outsider).post(reverse("reviews:review_reopen", args=[review.pk]), {"reason": "x"})
    assert client.post(reverse("reviews:review_reopen", args=[review.pk]), {"reason": "x"}).status_code == 404


def test_round_settings_page_keeps_the_review_deadline_when_saved_again(client, officer, nansha):
    """The page shows the saved deadline in the box (ISO, what a type=date box holds), so saving again keeps it."""
    passed_application(nansha)
    url = reverse("reviews:round", args=[nansha.pk])
    client_for(client, officer).post(url, {"reviewers_per_application": "3", "deadline": "2026-12-20", "blind": "on"})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    box = re.search(r'<input type="date" name="deadline" value="([^"]*)"', page)
    assert box, "the deadline box shows no value"
    shown = box.group(1)
    assert shown == "2026-12-20"
    browser_keeps = shown if re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown) else ""  # a date box drops anything else
    client.post(url, {"reviewers_per_application": "4", "deadline": browser_keeps, "blind": "on"})
    nansha.review_round.refresh_from_db()
    assert (nansha.review_round.reviewers_per_application, str(nansha.review_round.deadline)) == (4, "2026-12-20")
