"""A project's life: opening (called by the funding decision in reviews, inside its transaction; milestones never
imports reviews), the contract, tranche releases, the mid-term check, acceptance and closure.

Every step follows one pattern: atomic, lock the row (select_for_update), check the actor's role and the state
against the transition tables in models.py, save with update_fields, write the audit event, notify (the inbox row
commits with the change; the email follows the commit)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from core.dispatch import queue
from core.money import format_yuan, split_remainder_last, to_yuan
from notifications.services import choice_label
from offices.acting import acts_in
from offices.selectors import may_act_in
from programs.models import TrancheTrigger
from programs.selectors import today

from . import completion, conditions, limits, notices
from .models import (
    PROJECT_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    Acceptance,
    AcceptanceOutcomeChoice,
    MidtermCheck,
    MidtermOutcome,
    PdfStatus,
    Project,
    ProjectState,
    ProjectTranche,
    ReportKind,
    TrancheState,
)
from .rectification import rectification_report_schedule
from .report_selectors import report_completion

WHOLE = Decimal("100")
# The reports a project's closure waits for, besides its money: the final report and any rectification report.
CLOSING_REPORT_KINDS = (ReportKind.FINAL, ReportKind.RECTIFICATION)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tranche_amounts(award: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """The award split by the plan's shares (remainder on the last tranche), refused when a tranche would be
    0.00 yuan: nothing to pay cannot be released, and moving its share into another tranche would change when the
    guide's money is paid. The officer raises the award or gives the track a plan with fewer tranches."""
    amounts = split_remainder_last(award, shares)
    for seq, (amount, share) in enumerate(zip(amounts, shares, strict=True), 1):
        if amount <= 0:
            raise ValidationError(
                _("An award of %(award)s yuan cannot be paid in this plan: tranche %(seq)s (%(share)s %%) would be "
                  "%(amount)s yuan. Raise the award or use a plan with fewer tranches.")
                % {"award": format_yuan(award), "seq": seq, "share": f"{share.normalize():f}",
                   "amount": format_yuan(amount)}, code="zero_tranche")
    return amounts


def project_open(*, actor, application, award: Decimal, starts_on: dt.date, officer=None) -> Project:
    """Create the project of an approved application with its tranche schedule from the track's plan.

    The tranches split ``award`` by the plan's shares, every one but the last rounded down to the cent and the
    remainder on the last, so they add up to the award exactly. A track without a plan pays in one tranche
    after approval. The end date is the start plus the track's period (none when the guide states no period).
    """
    if not getattr(actor, "is_officer", False) or not may_act_in(actor, application.track.program.office_id):
        raise PermissionDenied(_("Only program officers may do this."))
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("project_open runs inside the approval's transaction")
    award = to_yuan(award)
    if award <= 0:
        raise ValidationError(_("An award must be more than zero yuan."))
    if Project.objects.filter(application=application).exists():
        raise ValidationError(_("This application already has a project."), code="exists")
    track = application.track
    plan = list(track.tranches.order_by("seq"))
    shares = [t.share_percent for t in plan] or [WHOLE]
    conditions = [t.trigger for t in plan] or [TrancheTrigger.ON_APPROVAL]
    amounts = tranche_amounts(award, shares)
    ends_on = add_months(starts_on, track.period_months) - dt.timedelta(days=1) if track.period_months else None
    project = Project.objects.create(
        application=application, award=award, starts_on=starts_on, ends_on=ends_on, officer=officer or actor,
    )
    ProjectTranche.objects.bulk_create(
        ProjectTranche(project=project, seq=i, amount=amount, share_percent=share, condition=condition,
                       state=TrancheState.PLANNED)
        for i, (amount, share, condition) in enumerate(zip(amounts, shares, conditions, strict=True), 1)
    )
    record_event(target=project, actor=actor, action="open", to_state=project.state,
                 data={"award": f"{award:.2f}", "tranches": [f"{a:.2f}" for a in amounts]})
    _schedule_reports(project)
    project.record = _open_record(actor=actor, project=project)
    project.save(update_fields=["record"])
    tranches_make_due(actor=actor, project=project, condition=TrancheTrigger.ON_APPROVAL)
    _queue(project_id=project.pk)
    return project


def _queue(*, project_id: int | None = None, acceptance_id: int | None = None) -> None:
    """The task book or the acceptance conclusion, rendered after the commit, in the background (milestones/pdfs.py
    makes them and offers them again after a failure)."""
    if project_id is not None:
        queue("milestones.generate_task_book", project_id=project_id)
    if acceptance_id is not None:
        queue("milestones.generate_conclusion", acceptance_id=acceptance_id)


def _schedule_reports(project: Project) -> None:
    """A mid-term report at the end of the period's first half (whole months) and a final report at its end; a
    year when the guide states no period."""
    from .models import KpiReport

    months = project.application.track.period_months or 12
    ends_on = project.ends_on or add_months(project.starts_on, months) - dt.timedelta(days=1)
    midpoint = add_months(project.starts_on, max(months // 2, 1)) - dt.timedelta(days=1)
    KpiReport.objects.bulk_create([
        KpiReport(project=project, seq=1, kind=ReportKind.MIDTERM, due_on=midpoint),
        KpiReport(project=project, seq=2, kind=ReportKind.FINAL, due_on=ends_on),
    ])


RECTIFICATION_MONTHS = 3  # 整改: three months unless the officer sets another deadline
ACCEPTANCE_ATTEMPTS = 2  # a second failure terminates the project


def project_office(project: Project) -> str:
    """The office of the project's program: read with the project where its selector annotates it
    (``program_office``), else from its application's track and program (loaded once when not yet)."""
    return getattr(project, "program_office", None) or project.application.track.program.office_id


def _require_officer(actor, project: Project) -> None:
    """An officer who works for the project's program's office; an officer of another office, or of the office
    above that only reads, is refused the same way as someone who is no officer."""
    if not getattr(actor, "is_officer", False) or not may_act_in(actor, project_office(project)):
        raise PermissionDenied(_("Only program officers may do this."))


def is_unit_member(user, project: Project) -> bool:
    from organisations.models import Membership

    return bool(getattr(user, "is_authenticated", False)) and Membership.objects.filter(
        organisation_id=project.application.organisation_id, user=user).exists()


def _require_unit(actor, project: Project) -> None:
    if not is_unit_member(actor, project):
        raise PermissionDenied(_("Only members of the funded organisation may do this."))


def _lock_project(project: Project) -> Project:
    return (Project.objects.select_for_update()
            .select_related("application__organisation", "application__track__program").get(pk=project.pk))


def _check_project_state(project: Project, name: str) -> None:
    transition = PROJECT_TRANSITIONS[name]
    if project.state not in transition.sources:
        raise ValidationError(
            _("This project is “%(state)s”; “%(step)s” is not possible from there.")
            % {"state": project.get_state_display(), "step": transition.label}, code="wrong_state")


def condition_met(project: Project, condition: str) -> bool:
    """Whether a tranche's payment condition holds for the project now."""
    if condition == TrancheTrigger.ON_APPROVAL:
        return True
    if condition == TrancheTrigger.ON_CONTRACT:
        return project.contract_signed_on is not None
    if condition == TrancheTrigger.ON_ACCEPTANCE:
        return project.state in (ProjectState.ACCEPTED, ProjectState.CLOSED)
    return False


def tranches_make_due(*, actor, project: Project, condition: str) -> list[ProjectTranche]:
    """Planned tranches of ``project`` whose condition is ``condition`` become due (called inside the step that
    meets the condition)."""
    step = TRANCHE_TRANSITIONS["make_due"]
    made = []
    for tranche in ProjectTranche.objects.select_for_update().filter(
            project=project, condition=condition, state__in=step.sources).order_by("seq"):
        before = tranche.state
        tranche.state, tranche.due_on = step.target, today()
        tranche.save(update_fields=["state", "due_on"])
        record_event(target=tranche, actor=actor, action=step.name, from_state=before, to_state=tranche.state,
                     data={"condition": condition, "amount": f"{tranche.amount:.2f}"})
        notices.tranche_due(project, tranche)
        made.append(tranche)
    return made


def tranches_cancel(*, actor, project: Project, reason: str) -> list[ProjectTranche]:
    """Every tranche of a terminated ``project`` not released is cancelled with ``reason`` (a payment request
    waiting for confirmation included): it is no longer owed, so no list shows it due or planned for ever."""
    step = TRANCHE_TRANSITIONS["cancel"]
    cancelled = []
    for tranche in ProjectTranche.objects.select_for_update().filter(
            project=project, state__in=step.sources).order_by("seq"):
        before, reference = tranche.state, tranche.payment_reference
        tranche.state, tranche.payment_reference, tranche.released_on = step.target, "", None
        tranche.requested_by, tranche.requested_at = None, None
        tranche.save(update_fields=["state", "payment_reference", "released_on", "requested_by", "requested_at"])
        record_event(target=tranche, actor=actor, action=step.name, from_state=before, to_state=tranche.state,
                     reason=reason, data={"amount": f"{tranche.amount:.2f}", "payment_reference": reference})
        cancelled.append(tranche)
    return cancelled


def _closing_reports_accepted(project: Project) -> bool:
    """The final report and every rectification report are accepted (what closing waits for besides the money)."""
    from .models import ReportState

    return not project.reports.filter(kind__in=CLOSING_REPORT_KINDS).exclude(state=ReportState.ACCEPTED).exists()


def _close_when_done(*, actor, project: Project) -> None:
    """Close (结项) a locked project once it is accepted, every tranche is released and its final report (and its
    rectification report, if any) is accepted; called by each step that completes one of these, whichever comes
    last."""
    if (project.state in PROJECT_TRANSITIONS["close"].sources
            and not project.tranches.exclude(state=TrancheState.RELEASED).exists()
            and _closing_reports_accepted(project)):
        _close(actor=actor, project=project)


def _close(*, actor, project: Project) -> None:
    step = PROJECT_TRANSITIONS["close"]
    before = project.state
    project.state, project.closed_on = step.target, today()
    project.save(update_fields=["state", "closed_on"])
    record_event(target=project, actor=actor, action=step.name, from_state=before, to_state=project.state)


def contract_record(*, actor, project: Project, signed_on: dt.date, signed_file) -> Project:
    """The officer records the signature date of the task book and uploads the signed copy; tranches paid after
    the contract become due."""
    step = PROJECT_TRANSITIONS["record_contract"]
    _require_officer(actor, project)
    errors = {}
    if signed_on is None:
        errors["signed_on"] = _("Enter the date the contract was signed.")
    errors |= limits.happened_errors(project, signed_on=signed_on)
    if not signed_file:
        errors["signed_file"] = _("Upload the signed contract.")
    errors |= limits.upload_errors(signed_file=signed_file)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_project(project)
        _check_project_state(locked, step.name)
        if locked.contract_signed_on is not None:
            raise ValidationError(_("The contract was already recorded (signed on %(date)s).")
                                  % {"date": locked.contract_signed_on}, code="already_recorded")
        locked.contract_signed_on, locked.contract_recorded_by = signed_on, actor
        locked.contract_file.save(signed_file.name, signed_file, save=False)
        locked.save(update_fields=["contract_signed_on", "contract_recorded_by", "contract_file"])
        record_event(target=locked, actor=actor, action=step.name, from_state=locked.state, to_state=locked.state,
                     data={"signed_on": signed_on.isoformat()})
        tranches_make_due(actor=actor, project=locked, condition=TrancheTrigger.ON_CONTRACT)
    return locked


def midterm_record(*, actor, project: Project, outcome: str, checked_on: dt.date, comments: str = "",
                   rectify_by: dt.date | None = None) -> MidtermCheck:
    """The officer records the mid-term check (中期检查): on track, or rectification by a deadline, when the unit
    owes a rectification report due on that deadline."""
    step = PROJECT_TRANSITIONS["record_midterm"]
    _require_officer(actor, project)
    if outcome not in MidtermOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the check.")})
    limits.refuse(limits.text_errors(comments=(comments, limits.COMMENTS_MAX))
                  | limits.happened_errors(project, checked_on=checked_on)
                  | limits.deadline_errors(field="rectify_by", deadline=rectify_by, after=checked_on))
    if outcome == MidtermOutcome.RECTIFY and rectify_by is None:
        rectify_by = add_months(checked_on, RECTIFICATION_MONTHS)
    with transaction.atomic():
        locked = _lock_project(project)
        _check_project_state(locked, step.name)
        check = MidtermCheck.objects.create(
            project=locked, checked_on=checked_on, outcome=outcome, comments=comments.strip(),
            rectify_by=rectify_by if outcome == MidtermOutcome.RECTIFY else None, recorded_by=actor)
        record_event(target=locked, actor=actor, action=step.name, from_state=locked.state, to_state=locked.state,
                     reason=comments, data={"outcome": outcome,
                                            "rectify_by": rectify_by.isoformat() if check.rectify_by else ""})
        if check.rectify_by is not None:
            rectification_report_schedule(actor=actor, project=locked, due_on=check.rectify_by, after="midterm")
        notices.midterm_recorded(locked, check)
    return check


def acceptance_request(*, actor, project: Project, final_report, final_accounts,
                       confirm_early: bool = False) -> Acceptance:
    """The unit asks for acceptance (验收) with its final report and final accounts. After a failed acceptance the
    unit asks again once it has rectified and submitted its rectification report: any day from the day after the
    failure, up to the rectification deadline (整改期限) inclusive. A request after the deadline is still taken but
    marked late: the officer is told, and decides at the inspection (a second failure terminates the project)."""
    step = PROJECT_TRANSITIONS["request_acceptance"]
    _require_unit(actor, project)
    errors = {}
    if not final_report:
        errors["final_report"] = _("Upload the final report.")
    if not final_accounts:
        errors["final_accounts"] = _("Upload the final accounts.")
    errors |= limits.upload_errors(final_report=final_report, final_accounts=final_accounts)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_project(project)
        _check_project_state(locked, step.name)
        conditions.refuse_stranding_acceptance(locked)
        early = locked.ends_on is not None and today() < locked.ends_on
        if early and not confirm_early:
            raise ValidationError({"confirm_early": _(
                "The project's period runs until %(date)s: confirm that you ask for acceptance before it ends.")
                % {"date": locked.ends_on}}, code="early")
        late = False
        if locked.state == ProjectState.RECTIFYING:
            failed_on = (locked.acceptances.filter(outcome=AcceptanceOutcomeChoice.FAILED)
                         .order_by("-seq").values_list("inspected_on", flat=True).first())
            if failed_on is not None and today() <= failed_on:
                raise ValidationError(
                    _("The acceptance failed on %(failed)s: request it again once you have rectified, any day "
                      "from %(from)s until the rectification deadline %(date)s.")
                    % {"failed": failed_on, "from": failed_on + dt.timedelta(days=1),
                       "date": locked.rectify_by or "—"}, code="rectifying")
            late = locked.rectify_by is not None and today() > locked.rectify_by
        seq = locked.acceptances.count() + 1
        acceptance = Acceptance(project=locked, seq=seq, requested_by=actor)
        acceptance.final_report.save(final_report.name, final_report, save=False)
        acceptance.final_accounts.save(final_accounts.name, final_accounts, save=False)
        acceptance.save()
        before = locked.state
        locked.state = step.target
        locked.save(update_fields=["state"])
        rectify_by = locked.rectify_by.isoformat() if before == ProjectState.RECTIFYING and locked.rectify_by else ""
        record_event(target=locked, actor=actor, action=step.name, from_state=before, to_state=locked.state,
                     data={"request": seq, "late": late, "early": early, "rectify_by": rectify_by})
        notices.acceptance_requested(locked, late=late, early=early)
    return acceptance


def acceptance_record(*, actor, project: Project, outcome: str, mode: str, inspected_on: dt.date,
                      expert_opinion: str, rectify_by: dt.date | None = None) -> Acceptance:
    """The officer records the inspection of the pending acceptance request and its outcome. Passing makes the
    acceptance tranches due and writes a passed acceptance on the organisation's record; a first failure sets a
    rectification deadline (three months by default) and the rectification report due on it; a second failure
    terminates the project and records a failed acceptance on the organisation, which later guides' history rules
    read."""
    from .models import InspectionMode

    name = "acceptance_pass" if outcome == AcceptanceOutcomeChoice.PASSED else "acceptance_fail"
    step = PROJECT_TRANSITIONS[name]
    _require_officer(actor, project)
    errors = {}
    if outcome not in AcceptanceOutcomeChoice.values:
        errors["outcome"] = _("Choose the outcome: passed or failed.")
    if mode not in InspectionMode.values:
        errors["mode"] = _("Choose how the project was inspected: written review or on site.")
    if not (expert_opinion or "").strip():
        errors["expert_opinion"] = _("Enter the experts' opinion.")
    if inspected_on is None:
        errors["inspected_on"] = _("Enter the inspection date.")
    errors = (limits.text_errors(expert_opinion=(expert_opinion, limits.OPINION_MAX))
              | limits.happened_errors(project, inspected_on=inspected_on)
              | limits.deadline_errors(field="rectify_by", deadline=rectify_by, after=inspected_on) | errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_project(project)
        _check_project_state(locked, step.name)
        if outcome == AcceptanceOutcomeChoice.PASSED:
            _refuse_unreviewed_reports(locked)
        acceptance = Acceptance.objects.select_for_update().filter(project=locked, outcome="").latest("seq")
        acceptance.mode, acceptance.inspected_on, acceptance.expert_opinion = mode, inspected_on, expert_opinion.strip()
        acceptance.outcome, acceptance.recorded_by = outcome, actor
        acceptance.conclusion_status = PdfStatus.PENDING  # made after the commit
        before = locked.state
        fields = ["state"]
        if outcome == AcceptanceOutcomeChoice.PASSED:
            locked.state, locked.rectify_by = step.target, None
            fields.append("rectify_by")
        else:
            locked.acceptance_failures += 1
            fields.append("acceptance_failures")
            if locked.acceptance_failures >= ACCEPTANCE_ATTEMPTS:
                locked.state = ProjectState.TERMINATED
            else:
                acceptance.rectify_by = rectify_by or add_months(inspected_on, RECTIFICATION_MONTHS)
                locked.state, locked.rectify_by = step.target, acceptance.rectify_by
                fields.append("rectify_by")
        acceptance.save(update_fields=["mode", "inspected_on", "expert_opinion", "outcome", "recorded_by",
                                       "rectify_by", "conclusion_status"])
        locked.save(update_fields=fields)
        record_event(target=locked, actor=actor, action=name, from_state=before, to_state=locked.state,
                     reason=acceptance.expert_opinion,
                     data={"request": acceptance.seq, "mode": mode, "inspected_on": inspected_on.isoformat(),
                           "rectify_by": acceptance.rectify_by.isoformat() if acceptance.rectify_by else ""})
        if locked.state == ProjectState.ACCEPTED:
            _write_record(actor=actor, project=locked, passed=True, on=inspected_on)
            tranches_make_due(actor=actor, project=locked, condition=TrancheTrigger.ON_ACCEPTANCE)
            _close_when_done(actor=actor, project=locked)
        elif locked.state == ProjectState.TERMINATED:
            _write_record(actor=actor, project=locked, passed=False, on=inspected_on)
            tranches_cancel(actor=actor, project=locked, reason=_(
                "The project was terminated after a second failed acceptance: this tranche is not paid."))
        else:
            rectification_report_schedule(actor=actor, project=locked, due_on=acceptance.rectify_by,
                                          after="acceptance")
        _queue(acceptance_id=acceptance.pk)
        notices.acceptance_recorded(locked, acceptance, terminated=locked.state == ProjectState.TERMINATED)
    return acceptance


def _refuse_unreviewed_reports(project: Project) -> None:
    """A pass is not recorded while the unit's final report, or its rectification report, waits for the office's
    review: the office reads it first (accepts it, or returns it for revision)."""
    from .models import ReportState

    waiting = (project.reports.filter(kind__in=CLOSING_REPORT_KINDS, state=ReportState.SUBMITTED)
               .order_by("seq").first())
    if waiting is None:
        return
    date = timezone.localdate(waiting.submitted_at) if waiting.submitted_at else "—"
    if waiting.kind == ReportKind.FINAL:
        raise ValidationError(
            _("The final report (submitted on %(date)s) has not been reviewed yet: accept it or return it for "
              "revision first, then record the acceptance outcome.") % {"date": date},
            code="final_report_unreviewed")
    raise ValidationError(
        _("The rectification report (submitted on %(date)s) has not been reviewed yet: accept it or return it for "
          "revision first, then record the acceptance outcome.") % {"date": date},
        code="rectification_report_unreviewed")


def _open_record(*, actor, project: Project):
    """The award on the organisation's record (acceptance pending), where the history rules of later guides read
    it: an unfinished project counts where a guide says so (清远: 未验收或未通过验收)."""
    from organisations.choices import RecordLevel
    from organisations.models import AcceptanceOutcome, ProjectRecord

    application = project.application
    program = application.track.program
    level = program.level if program.level in RecordLevel.values else RecordLevel.DISTRICT
    return ProjectRecord.objects.create(
        organisation=application.organisation, title=application.title or application.reference, level=level,
        category=application.track.award_category, awarded_on=project.starts_on, issuer=program.issuer,
        region=program.region, acceptance=AcceptanceOutcome.PENDING, source="portal", note=application.reference,
        recorded_by=actor)


def _write_record(*, actor, project: Project, passed: bool, on: dt.date):
    """The final acceptance outcome on the organisation's record (a passed acceptance, or the second failure)."""
    from organisations.models import AcceptanceOutcome, ProjectRecord

    record = ProjectRecord.objects.select_for_update().filter(pk=project.record_id).first()
    if record is None:  # the record was deleted by an administrator: write it again
        record = _open_record(actor=actor, project=project)
        project.record = record
        project.save(update_fields=["record"])
    record.acceptance = AcceptanceOutcome.PASSED if passed else AcceptanceOutcome.FAILED
    record.accepted_on = on
    record.save(update_fields=["acceptance", "accepted_on"])
    return record


def role_of(project: Project, user) -> str | None:
    from .models import Actor

    if getattr(user, "is_officer", False):
        # An officer of the office above reads the project and takes no step in it.
        return Actor.OFFICER if acts_in(user, project_office(project)) else None
    return Actor.UNIT if is_unit_member(user, project) else None


def may_take(project: Project, user, name: str) -> bool:
    """Whether the user has the role a step needs (whatever the project's state): views answer 404 otherwise."""
    table = TRANCHE_TRANSITIONS if name in TRANCHE_TRANSITIONS else PROJECT_TRANSITIONS
    return role_of(project, user) == table[name].actor


def allowed_project_steps(project: Project, user) -> list:
    """The project steps the user may take now; the project pages show exactly these buttons."""
    role = role_of(project, user)
    steps = [t for t in PROJECT_TRANSITIONS.values() if project.state in t.sources and t.actor == role]
    if project.contract_signed_on is not None:
        steps = [t for t in steps if t.name != "record_contract"]
    return steps


# --- KPI reports -------------------------------------------------------------------------------------------------


def report_add(*, actor, project: Project, due_on: dt.date):
    """The officer asks for one more report."""
    from .models import KpiReport

    _require_officer(actor, project)
    if due_on is None:
        raise ValidationError({"due_on": _("Enter the date the report is due.")})
    limits.refuse(limits.due_errors(project, field="due_on", day=due_on))
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.state in (ProjectState.CLOSED, ProjectState.TERMINATED):
            raise ValidationError(_("This project is “%(state)s”: no more reports.")
                                  % {"state": locked.get_state_display()}, code="wrong_state")
        seq = (locked.reports.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        report = KpiReport.objects.create(project=locked, seq=seq, kind=ReportKind.EXTRA, due_on=due_on)
        record_event(target=report, actor=actor, action="add", to_state=report.state,
                     data={"due_on": due_on.isoformat()})
    return report


def _lock_report(report):
    from .models import KpiReport

    return KpiReport.objects.select_for_update().select_related("project__application").get(pk=report.pk)


def _check_report_state(report, name: str) -> None:
    from .models import REPORT_TRANSITIONS

    step = REPORT_TRANSITIONS[name]
    if report.state not in step.sources:
        raise ValidationError(_("This report is “%(state)s”; “%(step)s” is not possible from there.")
                              % {"state": report.get_state_display(), "step": step.label}, code="wrong_state")


def report_submit(*, actor, report, values: dict, narrative: str, evidence=()):
    """The unit submits a report: ``values`` maps each KPI id of the track to the value reached (None for a
    qualitative KPI, described in the narrative); evidence files are added to those already uploaded."""
    from .models import REPORT_TRANSITIONS, KpiEvidence, KpiValue

    step = REPORT_TRANSITIONS["submit"]
    _require_unit(actor, report.project)
    if not (narrative or "").strip():
        raise ValidationError({"narrative": _("Describe the progress in the narrative.")})
    evidence = list(evidence)
    errors = limits.text_errors(narrative=(narrative, limits.NARRATIVE_MAX)) | limits.upload_errors(evidence=evidence)
    for key, value in values.items():
        if value is not None and value < 0:
            errors[f"kpi_{key}"] = _("A value reached cannot be negative.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_report(report)
        _check_report_state(locked, step.name)
        if locked.not_required:
            raise ValidationError(_("This project is “%(state)s”: the report is no longer required.")
                                  % {"state": locked.project.get_state_display()}, code="wrong_state")
        kpis = {k.pk for k in locked.project.application.track.kpis.all()}
        KpiValue.objects.filter(report=locked).delete()
        KpiValue.objects.bulk_create(KpiValue(report=locked, kpi_id=kpi_id, value=value)
                                     for kpi_id, value in values.items() if kpi_id in kpis)
        for upload in evidence:
            item = KpiEvidence(report=locked, original_name=upload.name[:255])
            item.file.save(upload.name, upload, save=False)
            item.save()
        before = locked.state
        locked.state, locked.narrative = step.target, narrative.strip()
        locked.submitted_at, locked.submitted_by = timezone.now(), actor
        locked.save(update_fields=["state", "narrative", "submitted_at", "submitted_by"])
        completion.store(locked, report_completion(locked))
        record_event(target=locked, actor=actor, action=step.name, from_state=before, to_state=locked.state,
                     data={"values": {str(k): (f"{v}" if v is not None else None) for k, v in values.items()}})
        notices.report_submitted(locked)
    return locked


def report_review(*, actor, report, accept: bool, comments: str = ""):
    """The officer accepts a submitted report, or returns it with comments (required). Accepting the final report
    (or the rectification report) of an accepted project whose tranches are all released closes it once nothing
    else is waiting. The time of acceptance is kept: the project's figures follow the report accepted last."""
    from .models import REPORT_TRANSITIONS

    name = "accept" if accept else "return"
    step = REPORT_TRANSITIONS[name]
    _require_officer(actor, report.project)
    comments = (comments or "").strip()
    if not accept and not comments:
        raise ValidationError({"comments": _("Say what the unit must revise.")})
    limits.refuse(limits.text_errors(comments=(comments, limits.COMMENTS_MAX)))
    with transaction.atomic():
        locked = _lock_report(report)
        _check_report_state(locked, name)
        before = locked.state
        locked.state, locked.officer_comments = step.target, comments
        locked.accepted_at = timezone.now() if accept else None
        locked.save(update_fields=["state", "officer_comments", "accepted_at"])
        if accept:
            completion.store(locked, report_completion(locked))  # the figures of the report as accepted
        record_event(target=locked, actor=actor, action=name, from_state=before, to_state=locked.state,
                     reason=comments)
        if accept and locked.kind in CLOSING_REPORT_KINDS:  # the last of what closing waits for, perhaps
            _close_when_done(actor=actor, project=_lock_project(locked.project))
        from .notices import tell_unit

        tell_unit(locked.project, "milestones.report_reviewed", target=locked.project,
                  reference=locked.project.application.reference, report=choice_label(locked, "kind"),
                  outcome=choice_label(locked, "state"), comments=comments or "—")
    return locked
