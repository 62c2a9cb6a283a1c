"""A demo project, reached the way a real one is: an application of the demo organisation on Yuexiu track 1
(支持高价值专利(组合)创造及运用项目, a fixed award of 170万元 paid 60 % after approval and 40 % after acceptance)
is submitted and passes formal review, the demo reviewer scores it in the track's expert review, the officer
proposes the award, publishes it, approves it (立项) once the publicity period is over and closes the round; the
officer records the signed contract, and the unit submits its mid-term KPI report. The officer is left with the
first tranche (102万元) to release and the report to review.

Only the calendar is demo data: the publicity period started four weeks ago (``round_start_publicity`` takes a
start date), so it is over today, and the project starts the day after it ended. Found again by its title, so
running the command twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import services as applications
from applications.forms import DECLARATION_TEXT
from applications.models import Application
from applications.selectors import conditions_to_decide
from applications.services import BudgetData, PartnerData, SubmissionData
from demo.applications import DEMO_PDF, draft_of
from demo.reviews import demo_reviewer
from milestones import services as milestones
from milestones.models import Project, ReportKind
from programs.models import Track
from programs.selectors import rubric_for
from reviews import decisions
from reviews import services as reviews
from reviews.models import Award, Recommendation, Review, ReviewRound

YUEXIU = "yuexiu-2018-ip-operation-fund-plan"
TITLE = "【演示】越秀区高价值专利组合培育与运营（已立项）"
REQUESTED = Decimal("1700000.00")  # the track's fixed award (立项数量：1个，170万元)
PUBLICITY_STARTED_DAYS_AGO = 28
# The demo reviewer's marks per criterion, in the rubric's order (a weighted total of 86.6).
MARKS = (Decimal("88"), Decimal("90"), Decimal("85"), Decimal("82"), Decimal("84"))


def _submission(track: Track) -> SubmissionData:
    promise = "完成高价值专利组合培育，带动区内企事业单位开展培育布局"
    kpis = {k.pk: ((None, promise) if k.qualitative else (k.target, "")) for k in track.kpis.all()}
    return SubmissionData(
        title=TITLE,
        plan="一、项目实施的重要意义\n围绕越秀区重点产业，创造一批具有战略性、前瞻性的高价值专利。\n"
             "二、主要任务\n开展企事业单位调研走访、专利挖掘与布局、高价值专利信息分析、专利导航与预警分析。\n"
             "三、实施方式\n与高校联合组建高价值专利培育团队，建立知识产权跟踪管理和信息推送服务机制。",
        requested_amount=REQUESTED, matching_funds=Decimal("0.00"), matching_committed=False,
        partners=[PartnerData(name="华南理工大学", org_type="university", role="专利挖掘与导航分析")],
        kpis=kpis,
        budget=[BudgetData("专利挖掘与布局服务", "grant", Decimal("800000.00")),
                BudgetData("高价值专利信息分析与导航预警", "grant", Decimal("500000.00")),
                BudgetData("知识产权培训与人才培养", "grant", Decimal("400000.00"))],
        declaration=str(DECLARATION_TEXT),
    )


def seed_project(*, applicant, officer, reviewer, organisation) -> Project | None:
    """Make the demo project if it is not there yet; return it when it was made now (None otherwise, also when
    the track is missing or its expert review was already opened by someone else)."""
    track = Track.objects.filter(program__code=YUEXIU, code="1").select_related("program").first()
    if track is None or Application.objects.filter(track=track, organisation=organisation, title=TITLE).exists():
        return None
    if ReviewRound.objects.filter(track=track).exists():
        return None  # the officer already runs this track's review: the demo does not step into it
    with transaction.atomic():
        return _make(track, applicant=applicant, officer=officer, reviewer=reviewer, organisation=organisation)


def _make(track: Track, *, applicant, officer, reviewer, organisation) -> Project:
    # The applicant applies; the officer decides each condition and passes it.
    data = _submission(track)
    application = applications.application_start(actor=applicant, track=track, organisation=organisation)
    application = applications.application_save_draft(actor=applicant, application=application,
                                                       data=draft_of(data))
    application = applications.application_submit(actor=applicant, application=application, data=data)
    for condition in conditions_to_decide(application):
        applications.condition_decide(actor=officer, application=application, rule_id=int(condition["rule_id"]),
                                      decision="met", note="演示：已核查相关证明材料，符合要求。")
    application = applications.application_pass(actor=officer, application=application)

    # Expert review: the demo reviewer, no conflict declared, scores it.
    profile = demo_reviewer(reviewer)
    review_round = reviews.round_open(actor=officer, track=track, reviewers_per_application=1)
    reviews.assignment_add(actor=officer, review_round=review_round, application=application, reviewer=profile)
    review_round = reviews.round_start_review(actor=officer, review_round=review_round)
    assignment = review_round.assignments.get(application=application, reviewer=profile)
    reviews.assignment_accept(actor=reviewer, assignment=assignment)
    criteria = list(rubric_for(track).criteria.all())
    marks = dict(zip((c.pk for c in criteria), MARKS, strict=False))
    reviews.review_submit(actor=reviewer, review=Review.objects.get(assignment=assignment), data=reviews.ScoreData(
        scores={c.pk: (marks.get(c.pk, Decimal("85")), "") for c in criteria}, recommendation=Recommendation.FUND,
        opinion="项目方案紧扣指南任务，培育路径清晰，合作高校专利挖掘能力较强，建议立项。"))

    # The funding decision: proposal, publicity (started four weeks ago, so over), approval, the round closed.
    decisions.round_propose(actor=officer, review_round=review_round)
    today = timezone.localdate()
    review_round = decisions.round_start_publicity(
        actor=officer, review_round=review_round, starts_on=today - dt.timedelta(days=PUBLICITY_STARTED_DAYS_AGO))
    award = Award.objects.get(round=review_round, application=application)
    decisions.award_approve(actor=officer, award=award, starts_on=review_round.publicity_ends + dt.timedelta(days=1))
    decisions.round_close(actor=officer, review_round=review_round)

    # The project: the signed contract recorded, the unit's mid-term report submitted.
    project = Project.objects.get(application=application)
    project = milestones.contract_record(
        actor=officer, project=project, signed_on=min(project.starts_on + dt.timedelta(days=7), today),
        signed_file=SimpleUploadedFile("项目任务书（签章）.pdf", DEMO_PDF, "application/pdf"))
    report = project.reports.get(kind=ReportKind.MIDTERM)
    reached = {k.pk: k.target for k in track.kpis.all() if not k.qualitative and k.target is not None}
    milestones.report_submit(
        actor=applicant, report=report, values=reached,
        narrative="已完成区内32家企事业单位调研走访，形成重点产业专利导航分析报告1份，"
                  "挖掘布局发明专利申请18件，组建高价值专利培育团队并开展知识产权培训2期。",
        evidence=[SimpleUploadedFile("中期佐证材料.pdf", DEMO_PDF, "application/pdf")])
    return project
