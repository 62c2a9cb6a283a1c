"""The whole lifecycle of one application in the browser, driven by a small per-guide spec (see test_lifecycle.py):
each step is taken by the role that takes it in real life, signed in as that user, and its page is kept as a
numbered screenshot under ``test-artifacts/lifecycle/<guide>/``.

Only what is not a user step is set up outside the browser: the users, an organisation's registered facts (years,
patents), the reviewers' pool entries, and the calendar where time must pass (the publicity period is moved into
the past, as test_expert_review_journey does)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from applications.models import Application
from audit.models import AuditEvent
from milestones.models import Project
from programs.models import Track
from reviews.models import ReviewRound
from tests.applications.conftest import PDF_BYTES
from tests.factories import PASSWORD

from .test_applicant_journey import (
    confirm_and_wait,
    fill_financial_years,
    screenshot,
    sign_in,
    sign_out,
    submit_and_wait,
    submit_main_form,
)

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "lifecycle"


@dataclass(frozen=True)
class Partner:
    name: str
    org_type: str
    uscc: str
    role: str = "专利挖掘与布局"


@dataclass(frozen=True)
class TrancheRow:
    """A line of the tranche plan the office sets where the guide states none."""

    share: str
    trigger: str


@dataclass(frozen=True)
class GuideSpec:
    program: str
    track: str
    title: str
    requested: Decimal
    award: Decimal
    tranches: tuple[Decimal, ...]  # the expected amounts, in order; they add up to the award
    matching: Decimal = Decimal("0")
    partners: tuple[Partner, ...] = ()
    office_plan: tuple[TrancheRow, ...] = ()  # the plan the office sets (empty: the guide's own tranche plan)
    plan_at_approval: bool = False  # the officer sets it on the decision page, not the track page beforehand
    publish_draft: bool = False  # a draft for comment the officer opens for applications
    return_once: str = ""  # the officer returns it once with this reason before passing it
    explanations: dict[str, str] = field(default_factory=dict)  # soft-failing rule kind -> explanation

    @property
    def slug(self) -> str:
        return self.program


def fresh_artifacts(slug: str) -> Path:
    directory = ARTIFACTS / slug
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


class Journey:
    """One guide's lifecycle on one browser page."""

    def __init__(self, page, base: str, spec: GuideSpec, shots: Path, tmp_path: Path):
        self.page, self.base, self.spec, self.shots, self.tmp = page, base, spec, shots, tmp_path
        self.track = Track.objects.select_related("program").get(program__code=spec.program, code=spec.track)
        self.steps = 0
        self.user: str | None = None

    # --- helpers -------------------------------------------------------------------------------------------------

    def shot(self, name: str) -> None:
        self.steps += 1
        screenshot(self.page, self.shots / f"{self.steps:02d}-{name}.png")

    def as_user(self, username: str) -> None:
        if self.user == username:
            return
        if self.user is not None:
            if "/admin/" in self.page.url:
                self.go("/")  # the Django admin has no portal navigation
            sign_out(self.page)
            self.page.wait_for_url(f"{self.base}/**")
        sign_in(self.page, self.base, username)
        self.page.wait_for_url(f"{self.base}/dashboard/**")
        self.user = username

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def pdf(self, name: str) -> str:
        path = self.tmp / name
        path.write_bytes(PDF_BYTES)
        return str(path)

    def application(self) -> Application:
        return Application.objects.get(track=self.track)

    def project(self) -> Project:
        return Project.objects.get(application__track=self.track)

    # --- set-up by the office --------------------------------------------------------------------------------------

    def officer_sets_track_plan(self, officer: str) -> None:
        """The guide states no tranches: before the call opens the officer sets the plan on the portal's track page
        (issue 16), with the guide's sentence beside it and two tranches suggested; the service audits it."""
        if not self.spec.office_plan or self.spec.plan_at_approval:
            return
        page = self.page
        self.as_user(officer)
        self.go(f"/programs/{self.track.program.code}/{self.track.code}/")
        box = page.locator("#tranche-plan")
        assert box.get_attribute("data-plan-missing") is not None
        assert box.locator("[data-plan-warning]").count() == 1
        if self.track.funding_text:
            assert self.track.funding_text in box.locator("[data-guide-text]").inner_text()
        self.save_office_plan(box, "track-tranche-plan")
        assert box.get_attribute("data-plan-missing") is None
        event = AuditEvent.objects.get(action="set_tranche_plan", object_id=str(self.track.pk))
        assert event.actor.username == officer and event.reason == "局务会决定：分两笔拨付"

    def officer_opens_call(self, officer: str) -> None:
        page, program = self.page, self.track.program
        self.as_user(officer)
        today = timezone.localdate()
        if self.spec.publish_draft:
            self.go(f"/programs/{program.code}/publish/")
            page.fill("#id_reason", "经局党组会研究，同意按本计划公开征集项目承担单位。")
            submit_main_form(page)
            page.wait_for_url(f"**/programs/{program.code}/")
        self.go(f"/programs/{program.code}/call-window/")
        page.fill("#id_opens", (today - dt.timedelta(days=1)).isoformat())
        page.fill("#id_closes", (today + dt.timedelta(days=30)).isoformat())
        page.fill("#id_reason", "申报通知")
        submit_main_form(page)
        page.wait_for_url(f"**/programs/{program.code}/")
        program.refresh_from_db()
        assert program.call_opens == today - dt.timedelta(days=1) and program.takes_applications

    # --- the applicant -------------------------------------------------------------------------------------------

    def applicant_registers(self, username: str, *, org_name: str, uscc: str, region: str, rd_spend: str) -> None:
        """A new user registers and creates the organisation with its last three years' figures."""
        page = self.page
        if self.user is not None:
            sign_out(page)
            self.user = None
        self.go("/accounts/register/")
        page.fill("#id_username", username)
        page.fill("#id_full_name", "李新")
        page.fill("#id_email", f"{username}@example.org")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        submit_main_form(page)
        page.wait_for_url(f"{self.base}/dashboard/applicant/")
        self.user = username
        self.go("/organisations/new/")
        page.fill("#id_name", org_name)
        page.fill("#id_uscc", uscc)
        page.select_option("#id_region", region)
        page.select_option("#id_org_type", "enterprise")
        submit_main_form(page)
        page.wait_for_url("**/organisations/*/edit/")
        fill_financial_years(page, rd_spend)
        with page.expect_navigation():
            submit_main_form(page)
        self.shot("organisation")

    def applicant_applies(self, applicant: str) -> Application:
        page, spec, track = self.page, self.spec, self.track
        self.as_user(applicant)
        self.go(f"/programs/{track.program.code}/{track.code}/")
        self.shot("track-page")
        page.click("a[href*='/applications/start/']")
        submit_main_form(page)
        page.wait_for_url("**/applications/*/edit/")
        application = self.application()
        page.fill("#id_title", spec.title)
        page.fill("#id_plan", f"围绕“{track.title}”的项目任务，按指南要求分阶段实施，按期完成各项绩效目标。")
        page.fill("#id_requested_amount", f"{spec.requested:f}")
        if spec.matching:
            page.fill("#id_matching_funds", f"{spec.matching:f}")
            page.check("#id_matching_committed")
        grouped = set()
        for kpi in track.kpis.active():
            if kpi.qualitative:
                page.fill(f"input[name='kpinote_{kpi.pk}']", "按期完成")
            elif kpi.group_id is None or kpi.group_id not in grouped:  # one of a group ("二者满足其一") is enough
                grouped.add(kpi.group_id)
                page.fill(f"input[name='kpi_{kpi.pk}']", f"{kpi.target.normalize():f}")
        for i, partner in enumerate(spec.partners):
            page.fill(f"input[name='partners-{i}-name']", partner.name)
            page.select_option(f"select[name='partners-{i}-org_type']", partner.org_type)
            page.fill(f"input[name='partners-{i}-uscc']", partner.uscc)
            page.fill(f"input[name='partners-{i}-role']", partner.role)
        lines = [("项目实施费用", "grant", spec.requested)] + ([("配套投入", "matching", spec.matching)]
                                                          if spec.matching else [])
        for i, (item, source, amount) in enumerate(lines):
            page.fill(f"input[name='budget-{i}-item']", item)
            page.select_option(f"select[name='budget-{i}-source']", source)
            page.fill(f"input[name='budget-{i}-amount']", f"{amount:f}")
        page.wait_for_selector("#autosave-status.text-success")
        self.shot("application-form")

        materials = list(track.materials.active())
        if materials:
            self.go(f"/applications/{application.pk}/materials/")
            for n, material in enumerate(materials, 1):
                form = page.locator(f"form:has(input[name=material][value='{material.pk}'])")
                form.locator("input[type=file]").set_input_files(self.pdf(f"材料{n}.pdf"))
                form.locator("button[type=submit]").click()
                page.wait_for_selector(f"a[href*='/materials/']:has-text('材料{n}.pdf')")
            assert application.uploads.count() == len(materials)
            self.shot("materials")

        self.go(f"/applications/{application.pk}/check/")
        assert page.locator(".checked-rules tr.table-danger").count() == 0, page.inner_text(".checked-rules")
        rules = list(track.rules.active())
        assert page.locator(".checked-rules tbody tr[id^=rule-]").count() == len(rules)
        for rule in rules:
            if rule.kind in spec.explanations:
                page.fill(f"#explain-{rule.pk}", spec.explanations[rule.kind])
        self.shot("eligibility-check")
        page.check("#id_declaration")
        page.click("#submit-form button[value=submit]")
        page.wait_for_url(f"**/applications/{application.pk}/")
        application.refresh_from_db()
        assert application.status == "submitted", application.status
        self.shot("submitted")
        return application

    def applicant_resubmits(self, applicant: str, application: Application) -> None:
        page = self.page
        self.as_user(applicant)
        self.go(f"/applications/{application.pk}/")
        assert self.spec.return_once in page.inner_text("main")
        self.shot("returned-reason-seen")
        self.go(f"/applications/{application.pk}/edit/")
        page.fill("input[name='partners-0-role']", "负责专利导航、质押融资对接与维权援助工作站运营")
        page.check("#id_declaration")
        page.click("button[value=submit]")
        page.wait_for_url(f"**/applications/{application.pk}/")
        application.refresh_from_db()
        assert application.status == "submitted" and application.version == 2

    # --- the officer: formal review ------------------------------------------------------------------------------

    def officer_formal_review(self, officer: str, applicant: str, application: Application) -> None:
        page = self.page
        self.as_user(officer)
        self.go("/review/")
        page.click(f"a:has-text('{application.reference}')")
        page.wait_for_url(f"**/applications/{application.pk}/")
        if self.spec.return_once:
            page.fill("form[action$='/decide/return/'] textarea[name=reason]", self.spec.return_once)
            page.click("form[action$='/decide/return/'] button")
            page.wait_for_selector("[data-status='returned'], .alert-success")
            application.refresh_from_db()
            assert application.status == "returned"
            self.applicant_resubmits(applicant, application)
            self.as_user(officer)
            self.go(f"/applications/{application.pk}/")
        for i in range(page.locator("#conditions form").count()):
            form = page.locator("#conditions form").nth(i)
            form.locator("input[value=met]").check()
            form.locator("textarea[name=note]").fill("经核查证明材料，符合要求")
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
        self.shot("formal-review")
        page.check("#id_confirm_pass")
        with page.expect_navigation():
            page.click("form[action$='/decide/pass/'] button")
        application.refresh_from_db()
        assert application.status == "passed", application.status

    # --- expert review -------------------------------------------------------------------------------------------

    def officer_assigns(self, officer: str, per_application: int) -> ReviewRound:
        page = self.page
        self.as_user(officer)
        self.go(f"/expert-review/tracks/{self.track.pk}/")
        page.fill("#id_reviewers_per_application", str(per_application))
        with page.expect_navigation():
            page.click("main form:has(#id_reviewers_per_application) button[type=submit]")
        page.click("#propose-assignment")
        page.wait_for_selector("#start-review")
        self.shot("assignment-proposed")
        page.click("#start-review")
        page.wait_for_selector("[data-round-state=reviewing]")
        return ReviewRound.objects.get(track=self.track)

    def reviewer_scores(self, username: str, value: int, *, shot: bool = False) -> None:
        page = self.page
        self.as_user(username)
        self.go("/reviewer/")
        page.click("#queue tbody tr:has(.text-bg-warning) a")
        page.click("#no-conflict")
        page.wait_for_selector("#score-form")
        for field_ in page.locator("#score-form input[name^=score_]").all():
            field_.fill(str(value))
        page.select_option("#id_recommendation", "fund")
        page.fill("#id_opinion", "项目方案紧扣指南任务，绩效目标明确，建议立项。")
        if shot:
            self.shot("reviewer-scoring")
        page.click("#submit-review")
        page.wait_for_selector("#my-scores")

    def officer_decides(self, officer: str, review_round: ReviewRound, application: Application,
                        rival: Application | None = None) -> None:
        page, track = self.page, self.track
        self.as_user(officer)
        self.go(f"/expert-review/tracks/{track.pk}/ranking/")
        assert page.locator(f"#ranking tr[data-application='{application.pk}']").count() == 1
        self.shot("ranking")
        if rival is not None:
            self.officer_orders_tie(application, rival)
        page.click("#propose-awards")
        page.wait_for_selector("#start-publicity")
        amount = page.locator("#awards [data-amount]").first.get_attribute("data-amount")
        assert Decimal(amount) == self.spec.award, amount
        confirm_and_wait(page, lambda: page.click("#start-publicity"), says=f"确认公示 {track.code}")
        page.wait_for_selector("#publicity-ends")
        self.shot("publicity")
        # The publicity period (7 days by default) has run its course without objections.
        today = timezone.localdate()
        ReviewRound.objects.filter(pk=review_round.pk).update(publicity_starts=today - dt.timedelta(days=10),
                                                              publicity_ends=today - dt.timedelta(days=1))
        page.reload()
        if self.spec.plan_at_approval:
            self.officer_sets_plan_at_approval()
        confirm_and_wait(page, lambda: page.click("[data-approve]"),
                         says=f"{application.reference}，资助 {self.spec.award:,.2f} 元")
        confirm_and_wait(page, lambda: page.click("#close-round"))
        self.shot("approved")
        application.refresh_from_db()
        assert application.status == "approved", application.status

    def officer_orders_tie(self, application: Application, rival: Application) -> None:
        """The rival scored the same, and the guide's first tie-break (要素较为齐全) is the officer's: both show as
        a tie (并列), listed by matching funds (the rival's are higher), until the officer puts the journey's
        application first with a reason. The ranking then follows that order; the rival is left unproposed."""
        page = self.page
        assert page.locator("#ranking [data-tie]").count() == 2
        form = page.locator("[data-tie-form]")
        form.locator(f"div:has(input[name=application][value='{application.pk}']) input[name=place]").fill("1")
        form.locator(f"div:has(input[name=application][value='{rival.pk}']) input[name=place]").fill("2")
        form.locator("textarea[name=reason]").fill("联合申报单位含专利运营机构与行业龙头企业，要素更为齐全")
        self.shot("tie")
        with page.expect_navigation():
            form.locator("[data-order-tie]").click()
        page.wait_for_selector("#ranking [data-tie-ordered]")
        assert page.locator("#ranking [data-tie]").count() == 0
        assert page.locator("#ranking tbody tr").first.get_attribute("data-application") == str(application.pk)
        page.uncheck(f"#ranking input[name=application][value='{rival.pk}']")
        self.shot("tie-ordered")

    def officer_sets_plan_at_approval(self) -> None:
        """The guide states no tranches: approval is refused until the officer sets the plan on the decision page,
        with the guide's sentence beside it and two tranches suggested (50 % after the contract, 50 % after
        acceptance)."""
        page = self.page
        box = page.locator("#tranche-plan")
        assert box.get_attribute("data-plan-missing") is not None
        assert (self.track.funding_text or "—") in box.locator("[data-guide-text]").inner_text()
        confirm_and_wait(page, lambda: page.click("[data-approve]"))  # asked, confirmed, and refused: no plan yet
        assert page.locator("#tranche-plan[data-plan-missing]").count() == 1
        assert self.application().status != "approved"
        form = box.locator("[data-plan-form]")
        for i, row in enumerate(self.spec.office_plan):  # the suggestion is the plan the office then saves
            assert form.locator(f"[name=form-{i}-share_percent]").input_value() in (row.share, f"{row.share}.00")
        self.save_office_plan(box, "decision-tranche-plan")

    def save_office_plan(self, box, shot: str) -> None:
        """Fill the plan form in ``box`` (track page or decision page) with the spec's plan and a reason, save it,
        and check the track now has exactly that plan."""
        form = box.locator("[data-plan-form]")
        for i, row in enumerate(self.spec.office_plan):
            form.locator(f"[name=form-{i}-share_percent]").fill(row.share)
            form.locator(f"[name=form-{i}-trigger]").select_option(row.trigger)
        form.locator("[name=reason]").fill("局务会决定：分两笔拨付")
        self.shot(shot)
        with self.page.expect_navigation():
            form.locator("[data-plan-save]").click()
        self.page.wait_for_selector("#tranche-plan [data-plan]")
        plan = list(self.track.tranches.order_by("seq").values_list("share_percent", "trigger"))
        assert plan == [(Decimal(r.share), r.trigger) for r in self.spec.office_plan], plan

    # --- the project ---------------------------------------------------------------------------------------------

    def tranche_row(self, seq: int):
        return self.page.locator(f"#tranches tr[data-seq='{seq}']")

    def officer_releases(self, seq: int, reference: str, checker: str) -> None:
        """Two people for every payment (四眼): the signed-in officer records the payment request, ``checker`` (a
        second officer) signs in and confirms it."""
        page = self.page
        project_path = page.url.removeprefix(self.base)
        row = self.tranche_row(seq)
        assert row.get_attribute("data-state") == "due", row.get_attribute("data-state")
        assert f"{self.spec.tranches[seq - 1]:,.2f}" in row.inner_text()
        row.locator("[name=payment_reference]").fill(reference)
        row.locator("[data-release-button]").click()
        page.wait_for_selector(f"#tranches tr[data-seq='{seq}'][data-state='requested']")
        page.wait_for_selector(f"[data-waiting='{seq}']")  # the requester is offered no confirmation
        self.as_user(checker)
        self.go(project_path)
        confirm_and_wait(page, lambda: self.tranche_row(seq).locator("[data-confirm-button]").click(),
                         says=f"第 {seq} 笔 {self.spec.tranches[seq - 1]:,.2f} 元")
        page.wait_for_selector(f"#tranches tr[data-seq='{seq}'][data-state='released']")
        released = f"#tranches tr[data-seq='{seq}'][data-state='released']"
        page.wait_for_selector(f"{released} [data-requested-by]")
        page.wait_for_selector(f"{released} [data-confirmed-by]")

    def officer_contract_and_first_tranche(self, officer: str, checker: str) -> Project:
        page = self.page
        project = self.project()
        self.as_user(officer)
        self.go(f"/projects/{project.pk}/")
        tranches = page.locator("#tranches tbody tr")
        assert tranches.count() == len(self.spec.tranches)
        form = page.locator("#contract-form")
        form.locator("[name=signed_on]").fill(timezone.localdate().isoformat())
        form.locator("[name=signed_file]").set_input_files(self.pdf("任务书（签章）.pdf"))
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#contract a")
        self.officer_releases(1, f"{self.track.program.reference_prefix}-PAY-001", checker)
        self.shot("contract-first-tranche")
        return project

    def unit_reports(self, unit: str, project: Project) -> None:
        page = self.page
        self.as_user(unit)
        self.go("/projects/")
        page.click(f"#projects tr[data-project='{project.pk}'] a")
        for seq in (1, 2):  # the mid-term report and the final report
            page.click(f"#reports tbody tr:nth-child({seq}) a")
            report = page.locator("#report-form")
            for kpi in self.track.kpis.active():
                box = report.locator(f"[name=kpi_{kpi.pk}]")
                if box.count():
                    box.fill(f"{(kpi.target or Decimal('1')) * seq:f}")
            report.locator("[name=narrative]").fill("按任务书推进各项工作，阶段性绩效目标已完成。")
            report.locator("[name=evidence]").set_input_files(self.pdf(f"佐证材料{seq}.pdf"))
            report.locator("button[type=submit]").click()
            page.wait_for_selector("[data-state='submitted']")
            self.shot(f"kpi-report-{seq}")
            submit_and_wait(page, lambda: page.click(f"a[href$='/projects/{project.pk}/']"))

    def officer_accepts_reports_and_checks(self, officer: str, project: Project) -> None:
        page = self.page
        self.as_user(officer)
        for report in project.reports.order_by("seq"):
            self.go(f"/projects/{project.pk}/reports/{report.pk}/")
            form = page.locator("#report-review-form")
            form.locator("[name=decision]").select_option("accept")
            form.locator("[name=comments]").fill("报告内容完整，予以通过。")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("[data-state='accepted']")
        self.go(f"/projects/{project.pk}/")
        check = page.locator("#midterm-form")
        check.locator("[name=outcome]").select_option("on_track")
        check.locator("[name=checked_on]").fill(timezone.localdate().isoformat())
        check.locator("[name=comments]").fill("项目按计划推进。")
        check.locator("button[type=submit]").click()
        page.wait_for_selector("#midterm-checks")
        self.shot("midterm-check")

    def unit_requests_acceptance(self, unit: str, project: Project) -> None:
        page = self.page
        self.as_user(unit)
        self.go(f"/projects/{project.pk}/")
        form = page.locator("#acceptance-request-form")
        form.locator("[name=final_report]").set_input_files(self.pdf("结题报告.pdf"))
        form.locator("[name=final_accounts]").set_input_files(self.pdf("决算报告.pdf"))
        if project.ends_on is not None and timezone.localdate() < project.ends_on:
            form.locator("[name=confirm_early]").check()  # the period has not ended: the unit confirms it is early
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#project-facts [data-state='acceptance_requested']")
        self.shot("acceptance-requested")

    def officer_accepts_and_closes(self, officer: str, project: Project, checker: str) -> None:
        page = self.page
        self.as_user(officer)
        self.go(f"/projects/{project.pk}/")
        form = page.locator("#acceptance-record-form")
        form.locator("[name=outcome]").select_option("passed")
        form.locator("[name=mode]").select_option("on_site")
        form.locator("[name=inspected_on]").fill(timezone.localdate().isoformat())
        form.locator("[name=expert_opinion]").fill("专家组现场验收：各项绩效目标均已完成，同意通过验收。")
        confirm_and_wait(page, lambda: form.locator("button[type=submit]").click(), says="验收通过")
        page.wait_for_selector("#acceptances li[data-outcome='passed']")
        last = len(self.spec.tranches)
        self.officer_releases(last, f"{self.track.program.reference_prefix}-PAY-00{last}", checker)
        page.wait_for_selector("#project-facts [data-state='closed']")
        self.shot("closed")
