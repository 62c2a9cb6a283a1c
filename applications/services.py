"""Every state change of an application: one function per step, atomic, locked, checked, audited."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from core.text import join_list
from offices.selectors import may_act_in
from organisations.models import Organisation
from programs.models import JointPolicy, Material, Track
from programs.selectors import is_call_open

from . import eligibility, inputs, notices
from .checks import active_kpis, award_problems, explanation_problems, kpi_group_problems, meets
from .inputs import (  # noqa: F401  (re-exported: callers use services.check_upload, services.PLAN_MAX_CHARS)
    ALLOWED_UPLOADS,
    BUDGET_ITEM_MAX,
    CONDITION_NOTE_MAX,
    MAX_BUDGET_LINES,
    MAX_UPLOAD_BYTES,
    PLAN_MAX_CHARS,
    WITHDRAW_REASON_MAX,
    check_upload,
    clean_draft,
    draft_partner_count,
    lenient_decimal,
    row_limits,
)
from .models import (
    EDITABLE,
    TRANSITIONS,
    Actor,
    Application,
    ApplicationVersion,
    BudgetLine,
    ConditionDecision,
    Exclusion,
    KPICommitment,
    MaterialUpload,
    Partner,
    PdfStatus,
    ReferenceCounter,
    Status,
)
from .pdfs import application_render_pdf, application_retry_pdf, queue_pdf  # noqa: F401  (re-exported)
from .selectors import organisation_snapshot


@dataclass
class PartnerData:
    name: str
    org_type: str
    uscc: str = ""
    role: str = ""
    share_percent: Decimal | None = None  # of the grant; the lead unit keeps what the partners leave


@dataclass
class ExclusionData:
    """回避申请: an expert the applicant asks not to be assigned, with the reason."""

    name: str
    employer: str
    reason: str


@dataclass
class BudgetData:
    item: str
    source: str
    amount: Decimal


@dataclass
class SubmissionData:
    """The cleaned content of the application form (the forms check shape; the service checks the rules)."""

    title: str
    plan: str
    requested_amount: Decimal
    matching_funds: Decimal
    matching_committed: bool
    partners: list[PartnerData] = field(default_factory=list)
    kpis: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)
    budget: list[BudgetData] = field(default_factory=list)
    # The applicant's explanation of each soft condition not met, by rule id.
    explanations: dict[int, str] = field(default_factory=dict)
    # The integrity declaration (诚信承诺) as shown to the applicant, if they ticked it; empty otherwise.
    declaration: str = ""
    # Experts who should not review (回避申请), at most ``inputs.MAX_EXCLUSIONS``; never shown to reviewers.
    exclusions: list[ExclusionData] = field(default_factory=list)


# --- helpers ------------------------------------------------------------------------------------


def _is_member(user, organisation_id: int) -> bool:
    return user.is_authenticated and user.memberships.filter(organisation_id=organisation_id).exists()


def _require_applicant_member(actor, application: Application) -> None:
    if not (actor.is_authenticated and actor.is_applicant and _is_member(actor, application.organisation_id)):
        raise PermissionDenied(_("Only the applicant organisation's members may do this."))


def _require_officer(actor, application: Application) -> None:
    """An officer who works for the office of the application's program (an officer of the office above, who
    only reads it, is refused like any other role)."""
    if not (getattr(actor, "is_officer", False) and may_act_in(actor, application.track.program.office_id)):
        raise PermissionDenied(_("Only program officers may do this."))


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("track", "track__program").get(pk=application.pk)


def _check_state(application: Application, name: str) -> None:
    transition = TRANSITIONS[name]
    if name in ("submit", "resubmit") and application.status == Status.SUBMITTED:
        raise ValidationError(
            _("This application was already submitted (version %(n)s); nothing more to do.")
            % {"n": application.version},
            code="already_submitted",
        )
    if application.status not in transition.sources:
        raise ValidationError(
            _("This application is “%(status)s”; “%(step)s” is not possible from there.")
            % {"status": application.get_status_display(), "step": transition.label},
            code="wrong_state",
        )


def _next_reference(track: Track) -> str:
    program = track.program
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(program=program)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{program.reference_prefix}-{track.code.zfill(2)}-{counter.last:04d}"


# --- drafts --------------------------------------------------------------------------------------



@transaction.atomic
def application_start(*, actor, track: Track, organisation: Organisation) -> Application:
    """An applicant starts a draft for an open track on behalf of one of their organisations."""
    if not (actor.is_authenticated and actor.is_applicant):
        raise PermissionDenied(_("Only applicants may start an application."))
    if not _is_member(actor, organisation.pk):
        raise PermissionDenied(_("You do not act for this organisation."))
    if not is_call_open(track.program):
        raise ValidationError(_("The call for this program is not open; applications cannot be started."),
                              code="call_closed")
    application = Application.objects.create(
        reference=_next_reference(track), track=track, organisation=organisation, created_by=actor,
        draft={"title": ""},
    )
    record_event(target=application, actor=actor, action="start", to_state=Status.DRAFT)
    return application


@transaction.atomic
def application_save_draft(*, actor, application: Application, data: dict[str, str]) -> Application:
    """Keep exactly what was typed; copy the values that parse into the normalised columns."""
    _require_applicant_member(actor, application)
    locked = _lock(application)
    if locked.status not in EDITABLE:
        raise ValidationError(_("This application can no longer be edited."), code="not_editable")
    locked.draft, _notes = clean_draft(locked.track, data)
    data = locked.draft
    locked.draft_saved_at = timezone.now()
    fields = ["draft", "draft_saved_at", "updated_at"]
    if locked.version == 0:
        # Before the first submission the columns follow the draft; afterwards (a returned application) they
        # keep the submitted version's values, which officers see, until the applicant resubmits.
        locked.title = data.get("title", "")[:200]
        locked.requested_amount = lenient_decimal(data.get("requested_amount"))
        locked.matching_funds = lenient_decimal(data.get("matching_funds"))
        fields += ["title", "requested_amount", "matching_funds"]
    locked.save(update_fields=fields)
    return locked


def draft_partners(draft: dict) -> list[tuple[str, str, str]]:
    """(name, USCC, type) of each partner row the draft names, as typed."""
    try:
        total = int(draft.get("partners-TOTAL_FORMS") or 0)
    except ValueError:
        return []
    rows = []
    for i in range(min(total, 50)):
        name = str(draft.get(f"partners-{i}-name") or "").strip()
        if name and not draft.get(f"partners-{i}-DELETE"):
            uscc, org_type = draft.get(f"partners-{i}-uscc"), draft.get(f"partners-{i}-org_type")
            rows.append((name, str(uscc or ""), str(org_type or "")))
    return rows


def evaluate_application(application: Application) -> eligibility.Verdict:
    """The verdict for the application as it stands (draft figures included)."""
    partners = draft_partners(application.draft)
    facts = eligibility.facts_for(
        organisation_id=application.organisation_id,
        requested_amount=lenient_decimal(application.draft.get("requested_amount")),
        matching_funds=lenient_decimal(application.draft.get("matching_funds")),
        on=timezone.localdate(),
        partners=partners,
    )
    return eligibility.evaluate(active_rules(application.track), facts)


def active_rules(track):
    """The track's rules as the guide states them now (rules dropped by a reload are archived)."""
    return [r for r in track.rules.all() if r.archived_at is None]


# --- materials -----------------------------------------------------------------------------------



@transaction.atomic
def material_upload(*, actor, application: Application, material: Material, uploaded_file) -> MaterialUpload:
    _require_applicant_member(actor, application)
    locked = _lock(application)
    if locked.status not in EDITABLE:
        raise ValidationError(_("This application can no longer be edited."))
    if material.track_id != locked.track_id:
        raise ValidationError(_("This material does not belong to the application's track."))
    _ext, content_type = check_upload(uploaded_file)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    kept = list(MaterialUpload.objects.filter(application=locked, material=material).values_list("sha256", flat=True))
    names = {"name": uploaded_file.name, "material": material.title}
    if digest.hexdigest() in kept:
        raise ValidationError(_("“%(name)s” is already uploaded for “%(material)s”.") % names)
    if len(kept) >= inputs.MATERIAL_FILES_MAX:
        raise ValidationError(_("“%(material)s” already has %(max)s files, the most allowed; remove one before "
                                "adding “%(name)s”.") % {**names, "max": inputs.MATERIAL_FILES_MAX})
    upload = MaterialUpload(
        application=locked, material=material, original_name=uploaded_file.name[:255], size=uploaded_file.size,
        content_type=content_type, sha256=digest.hexdigest(), uploaded_by=actor,
    )
    upload.file.save(f"{locked.pk}-{material.seq}-{digest.hexdigest()[:12]}", uploaded_file, save=False)
    upload.save()
    record_event(target=locked, actor=actor, action="upload", reason=f"{material.title}: {upload.original_name}")
    return upload


@transaction.atomic
def material_remove(*, actor, upload: MaterialUpload) -> None:
    application = upload.application
    _require_applicant_member(actor, application)
    locked = _lock(application)
    if locked.status not in EDITABLE:
        raise ValidationError(_("This application can no longer be edited."))
    stored = upload.file
    upload.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
    record_event(target=locked, actor=actor, action="remove_upload", reason=upload.original_name)


# --- submission ----------------------------------------------------------------------------------


def submission_problems(application: Application, data: SubmissionData) -> dict[str, list[str]]:
    """Business rules of a complete application, keyed by form field ("__all__" for the whole)."""
    track = application.track
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    if data.requested_amount <= 0:
        add("requested_amount", _("Enter the amount you request, in yuan."))
    for message in award_problems(track, data.requested_amount):
        add("requested_amount", message)
    if data.matching_funds > 0 and not data.matching_committed:
        add("matching_committed", _("Tick the commitment to provide the matching funds you entered."))
    count = len(data.partners)
    if track.joint_policy == JointPolicy.REQUIRED and count == 0:
        add("partners", _("This track requires a joint application: add at least one partner."))
    if track.joint_policy == JointPolicy.REFUSED and count:
        add("partners", _("This track does not accept joint applications: remove the partners."))
    if track.partner_limit is not None and count > track.partner_limit:
        add("partners", _("At most %(limit)s partners are allowed; you listed %(count)s.")
            % {"limit": track.partner_limit, "count": count})
    shares = sum((p.share_percent for p in data.partners if p.share_percent is not None), Decimal("0"))
    if shares >= 100:
        add("partners", _("The partners' shares of the grant add up to %(sum)s%%; leave the lead unit a share: "
                          "together less than 100%%.") % {"sum": f"{shares:.2f}"})
    kpis = active_kpis(track)
    for kpi in kpis:
        value, _note = data.kpis.get(kpi.pk, (None, ""))
        if kpi.qualitative or kpi.group_id is not None:
            continue
        if value is None:
            add(f"kpi_{kpi.pk}", _("Enter the value you commit to (the guide's target is %(target)s %(unit)s).")
                % {"target": f"{kpi.target.normalize():f}", "unit": kpi.unit})
        elif not meets(value, kpi.comparator, kpi.target):
            add(f"kpi_{kpi.pk}",
                _("Your commitment %(value)s %(unit)s is below the guide's target %(cmp)s %(target)s %(unit)s.")
                % {"value": f"{value.normalize():f}", "unit": kpi.unit, "cmp": kpi.get_comparator_display(),
                   "target": f"{kpi.target.normalize():f}"})
    for key, message in kpi_group_problems(kpis, data.kpis):
        add(key, message)
    grant = sum((b.amount for b in data.budget if b.source == BudgetLine.Source.GRANT), Decimal("0"))
    matching = sum((b.amount for b in data.budget if b.source == BudgetLine.Source.MATCHING), Decimal("0"))
    if not data.budget:
        add("budget", _("Add the budget breakdown: one line per item, paid from the grant or matching funds."))
    else:
        if grant != data.requested_amount:
            add("budget", _("Budget lines paid from the grant add up to %(sum)s yuan, not the requested %(req)s yuan.")
                % {"sum": f"{grant:,.2f}", "req": f"{data.requested_amount:,.2f}"})
        if matching != data.matching_funds:
            add("budget",
                _("Budget lines paid from matching funds add up to %(sum)s yuan, not the %(mf)s yuan entered.")
                % {"sum": f"{matching:,.2f}", "mf": f"{data.matching_funds:,.2f}"})
    if len(data.plan) > PLAN_MAX_CHARS:
        add("plan", _("The plan has %(n)s characters; at most %(max)s are allowed. Put details in an attached "
                      "material.") % {"n": len(data.plan), "max": PLAN_MAX_CHARS})
    if len(data.budget) > MAX_BUDGET_LINES:
        add("budget", _("At most %(n)s budget lines are allowed; combine smaller items.") % {"n": MAX_BUDGET_LINES})
    if any(len(b.item) > BUDGET_ITEM_MAX for b in data.budget):
        add("budget", _("Name each budget item in at most %(n)s characters.") % {"n": BUDGET_ITEM_MAX})
    if len(data.exclusions) > inputs.MAX_EXCLUSIONS:
        add("exclusions", _("Name at most %(max)s experts who should not review; you named %(n)s.")
            % {"max": inputs.MAX_EXCLUSIONS, "n": len(data.exclusions)})
    if not data.declaration:
        add("declaration", _("Tick the integrity declaration to submit."))
    uploaded = set(application.uploads.values_list("material_id", flat=True))
    missing = [m.title for m in track.materials.all()
               if m.required and m.archived_at is None and m.pk not in uploaded]
    if missing:
        add("materials", _("Upload the required materials: %(list)s.") % {"list": join_list(missing)})
    return problems



def _snapshot(application: Application, data: SubmissionData, verdict: eligibility.Verdict, *, actor,
              now) -> dict:
    return {
        "title": data.title,
        "plan": data.plan,
        "requested_amount": f"{data.requested_amount:.2f}",
        "matching_funds": f"{data.matching_funds:.2f}",
        "matching_committed": data.matching_committed,
        "partners": [{**asdict(p), "share_percent": None if p.share_percent is None else f"{p.share_percent:.2f}"}
                     for p in data.partners],
        "kpis": {str(k): [None if v is None else f"{v.normalize():f}", note] for k, (v, note) in data.kpis.items()},
        "budget": [{"item": b.item, "source": b.source, "amount": f"{b.amount:.2f}"} for b in data.budget],
        "materials": _submitted_materials(application),
        "exclusions": [asdict(e) for e in data.exclusions],
        "verdict": verdict.to_dict(),
        "explanations": _explanations_kept(verdict, data),
        "organisation": organisation_snapshot(application.organisation_id),
        "declaration": {"text": data.declaration, "by": actor.username,
                        "by_name": getattr(actor, "full_name", "") or actor.username, "at": now.isoformat()},
    }


def _submitted_materials(application: Application) -> dict[str, list[dict]]:
    """Every uploaded file, per material id, in the order uploaded."""
    files: dict[str, list[dict]] = {}
    for upload in application.uploads.all():
        files.setdefault(str(upload.material_id), []).append({"name": upload.original_name, "sha256": upload.sha256})
    return files


def _explanations_kept(verdict: eligibility.Verdict, data: SubmissionData) -> dict[str, str]:
    return {str(r.rule_id): data.explanations.get(r.rule_id, "").strip() for r in verdict.soft_failures}


def _write_rows(application: Application, data: SubmissionData) -> None:
    application.partners.all().delete()
    registered = dict(
        Organisation.objects.filter(uscc__in=[p.uscc for p in data.partners if p.uscc]).values_list("uscc", "pk")
    )
    Partner.objects.bulk_create(
        Partner(application=application, seq=i, name=p.name, uscc=p.uscc, org_type=p.org_type, role=p.role,
                share_percent=p.share_percent, organisation_id=registered.get(p.uscc))
        for i, p in enumerate(data.partners, 1)
    )
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, seq=i, item=b.item, source=b.source, amount=b.amount)
        for i, b in enumerate(data.budget, 1)
    )
    application.exclusions.all().delete()
    Exclusion.objects.bulk_create(
        Exclusion(application=application, seq=i, name=e.name, employer=e.employer, reason=e.reason)
        for i, e in enumerate(data.exclusions, 1)
    )
    application.kpi_commitments.all().delete()
    KPICommitment.objects.bulk_create(
        KPICommitment(application=application, kpi_id=kpi_id, value=value, note=note)
        for kpi_id, (value, note) in data.kpis.items()
    )


def _submit(name: str, *, actor, application: Application, data: SubmissionData) -> Application:
    _require_applicant_member(actor, application)
    locked = _lock(application)
    _check_state(locked, name)
    if not is_call_open(locked.track.program):
        raise ValidationError(_("The call window is closed; applications can no longer be submitted."),
                              code="call_closed")
    problems = submission_problems(locked, data)
    verdict = evaluate_application(locked)
    if not verdict.can_submit():
        problems.setdefault("__all__", []).append(
            _("A condition of the guide is not met; see the eligibility check. Correct your data, then submit.")
        )
    for key, messages in explanation_problems(verdict, data.explanations).items():
        problems.setdefault(key, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    before = locked.status
    locked.version += 1
    locked.status = Status.SUBMITTED
    locked.submitted_at = now
    locked.title = data.title
    locked.requested_amount = data.requested_amount
    locked.matching_funds = data.matching_funds
    locked.verdict = verdict.to_dict()
    locked.verdict_overall = verdict.overall
    locked.explanations = _explanations_kept(verdict, data)
    locked.materials_complete = True
    locked.pdf_status = PdfStatus.PENDING
    # The declaration belongs to this submission; a resubmission asks for it again.
    locked.draft = {k: v for k, v in locked.draft.items() if k != "declaration"}
    locked.save(update_fields=["version", "status", "submitted_at", "title", "requested_amount", "matching_funds",
                               "verdict", "verdict_overall", "explanations", "materials_complete", "pdf_status",
                               "draft",
                               "updated_at"])
    _write_rows(locked, data)
    ApplicationVersion.objects.create(
        application=locked, number=locked.version, submitted_at=now, submitted_by=actor,
        snapshot=_snapshot(locked, data, verdict, actor=actor, now=now),
    )
    record_event(target=locked, actor=actor, action=name, from_state=before, to_state=locked.status,
                 data={"version": locked.version, "eligibility": verdict.overall})
    queue_pdf(locked)
    notices.submitted(locked)
    return locked


@transaction.atomic
def application_submit(*, actor, application: Application, data: SubmissionData) -> Application:
    return _submit("submit", actor=actor, application=application, data=data)


@transaction.atomic
def application_resubmit(*, actor, application: Application, data: SubmissionData) -> Application:
    return _submit("resubmit", actor=actor, application=application, data=data)


def _officer_step(name: str, *, actor, application: Application, reason: str) -> Application:
    locked = _lock(application)
    _require_officer(actor, locked)
    _check_state(locked, name)
    transition = TRANSITIONS[name]
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give a reason; the applicant will see it.")})
    before = locked.status
    locked.status = transition.target
    fields = ["status", "updated_at"]
    if reason:
        locked.last_comment = reason
        fields.append("last_comment")
    locked.save(update_fields=fields)
    record_event(target=locked, actor=actor, action=name, from_state=before, to_state=locked.status, reason=reason)
    notices.decided(name, locked, reason)
    return locked


@transaction.atomic
def application_return(*, actor, application: Application, reason: str) -> Application:
    """Formal review sends the application back; the applicant edits and resubmits."""
    return _officer_step("return", actor=actor, application=application, reason=reason)


@transaction.atomic
def condition_decide(*, actor, application: Application, rule_id: int, decision: str,
                     note: str = "") -> ConditionDecision:
    """The officer judges one condition of the submitted version: 符合 (met) or 不符合 (not met), with a note."""
    from .selectors import conditions_to_decide

    locked = _lock(application)
    _require_officer(actor, locked)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(
            _("This application is “%(status)s”; conditions are decided only during formal review.")
            % {"status": locked.get_status_display()}, code="wrong_state")
    condition = next((r for r in conditions_to_decide(locked) if int(r["rule_id"]) == rule_id), None)
    if condition is None:
        raise ValidationError(_("This condition does not need an officer's decision."), code="no_condition")
    if decision not in ConditionDecision.Decision.values:
        raise ValidationError({"decision": _("Choose whether the condition is met.")})
    note = (note or "").strip()
    if len(note) > CONDITION_NOTE_MAX:
        raise ValidationError({"note": _("The note has %(n)s characters; shorten it to at most %(max)s.")
                               % {"n": len(note), "max": CONDITION_NOTE_MAX}})
    if decision == ConditionDecision.Decision.NOT_MET and not note:
        raise ValidationError({"note": _("Say why the condition is not met; the note goes into the record.")})
    now = timezone.now()
    previous = locked.condition_decisions.filter(version=locked.version, rule_id=rule_id).first()
    if previous:
        before = previous.decision
        previous.decision, previous.note, previous.decided_by, previous.decided_at = decision, note, actor, now
        previous.save(update_fields=["decision", "note", "decided_by", "decided_at"])
        result = previous
    else:
        before = ""
        result = ConditionDecision.objects.create(application=locked, version=locked.version, rule_id=rule_id,
                                                  decision=decision, note=note, decided_by=actor, decided_at=now)
    record_event(target=locked, actor=actor, action="decide_condition", from_state=before, to_state=decision,
                 reason=note, data={"version": locked.version, "rule_id": rule_id, "seq": condition.get("seq"),
                                    "guide_text": condition.get("guide_text", "")})
    return result


def _decisions_record(application: Application) -> list[dict]:
    from .selectors import conditions_to_decide

    decisions = {d.rule_id: d for d in application.condition_decisions.filter(version=application.version)
                 .select_related("decided_by")}
    record, undecided = [], []
    for condition in conditions_to_decide(application):
        found = decisions.get(int(condition["rule_id"]))
        if found is None:
            undecided.append(str(condition.get("seq", condition["rule_id"])))
            continue
        record.append({"rule_id": found.rule_id, "seq": condition.get("seq"), "kind": condition.get("kind"),
                       "guide_text": condition.get("guide_text", ""), "decision": found.decision,
                       "note": found.note, "by": found.decided_by.username, "at": found.decided_at.isoformat()})
    if undecided:
        raise ValidationError(
            _("Decide every officer-judged condition first (still open: rule %(list)s).")
            % {"list": "、".join(undecided)}, code="undecided")
    not_met = [str(r["seq"]) for r in record if r["decision"] == ConditionDecision.Decision.NOT_MET]
    if not_met:
        raise ValidationError(
            _("Rule %(list)s is judged not met; return or refuse the application instead of passing it.")
            % {"list": "、".join(not_met)}, code="not_met")
    return record


@transaction.atomic
def application_pass(*, actor, application: Application, reason: str = "") -> Application:
    """Formal review passes the application on to expert review, once every condition is decided (符合).

    The decisions go into the audit event and the version, and the application PDF is prepared again
    so that it shows them.
    """
    locked = _lock(application)
    _require_officer(actor, locked)
    _check_state(locked, "pass")
    decisions = _decisions_record(locked)
    version = ApplicationVersion.objects.select_for_update().get(application=locked, number=locked.version)
    version.snapshot = {**version.snapshot, "decisions": decisions}
    version.save(update_fields=["snapshot"])
    before = locked.status
    locked.status = Status.PASSED
    locked.pdf_status = PdfStatus.PENDING
    fields = ["status", "pdf_status", "updated_at"]
    reason = (reason or "").strip()
    if reason:
        locked.last_comment = reason
        fields.append("last_comment")
    locked.save(update_fields=fields)
    record_event(target=locked, actor=actor, action="pass", from_state=before, to_state=locked.status,
                 reason=reason, data={"version": locked.version, "decisions": decisions})
    notices.decided("pass", locked, reason)
    queue_pdf(locked)
    return locked


@transaction.atomic
def application_refuse(*, actor, application: Application, reason: str) -> Application:
    return _officer_step("refuse", actor=actor, application=application, reason=reason)


@transaction.atomic
def application_delete_draft(*, actor, application: Application) -> None:
    """The applicant deletes a draft that was never submitted (删除草稿): the draft, its rows and its uploaded
    files go; the audit trail keeps what it was. Once submitted, an application is withdrawn instead."""
    _require_applicant_member(actor, application)
    locked = _lock(application)
    _check_state(locked, "delete")
    if locked.version or locked.versions.exists():  # a draft status with a submitted version: never deleted
        raise ValidationError(_("This application was submitted once; withdraw it instead."), code="wrong_state")
    stored = [u.file for u in locked.uploads.all() if u.file]
    if locked.pdf_file:
        stored.append(locked.pdf_file)
    record_event(target=locked, actor=actor, action="delete", from_state=locked.status,
                 data={"reference": locked.reference, "title": locked.title or locked.draft.get("title", ""),
                       "organisation_id": locked.organisation_id, "track_id": locked.track_id,
                       "files": [u.original_name for u in locked.uploads.all()]})
    locked.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in stored])


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    """The applicant withdraws at any time before approval."""
    _require_applicant_member(actor, application)
    reason = (reason or "").strip()
    if len(reason) > WITHDRAW_REASON_MAX:
        raise ValidationError({"reason": _("The reason has %(n)s characters; shorten it to at most %(max)s.")
                               % {"n": len(reason), "max": WITHDRAW_REASON_MAX}})
    locked = _lock(application)
    _check_state(locked, "withdraw")
    before = locked.status
    locked.status = Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    record_event(target=locked, actor=actor, action="withdraw", from_state=before, to_state=locked.status,
                 reason=reason)
    notices.withdrawn(locked, actor, reason)
    return locked


def application_conclude(*, actor, application: Application, step: str, reason: str = "") -> Application:
    """The funding decision ends expert review: ``approve`` (立项) or ``not_fund``; an upheld appeal (复审) takes
    the application back: ``reopen`` (to formal review) or ``reinstate`` (to the ranking).

    Called only by the reviews app's decision and appeal services, inside their transaction (it does not open its
    own), which lock the application with this same lock first.
    """
    if step not in ("approve", "not_fund", "reopen", "reinstate"):
        raise ValueError(step)
    locked = _lock(application)
    _require_officer(actor, locked)
    _check_state(locked, step)
    before = locked.status
    locked.status = TRANSITIONS[step].target
    locked.save(update_fields=["status", "updated_at"])
    record_event(target=locked, actor=actor, action=step, from_state=before, to_state=locked.status, reason=reason)
    return locked


def allowed_steps(application: Application, user) -> list:
    """Transitions the user may take now; templates show exactly these buttons. An officer who only reads the
    program (from the office above) takes none."""
    role = Actor.OFFICER if getattr(user, "is_officer", False) else Actor.APPLICANT
    if role == Actor.OFFICER and not officer_acts(application, user):
        return []
    return [t for t in TRANSITIONS.values() if application.status in t.sources and t.actor == role]


def officer_acts(application: Application, user) -> bool:
    """Whether this officer takes steps in the application's program: read with the application by
    ``selectors.application_for`` (``officer_acts``), else asked of the offices."""
    if not getattr(user, "is_officer", False):
        return False
    acts = getattr(application, "officer_acts", None)
    return may_act_in(user, application.track.program.office_id) if acts is None else bool(acts)


def may_judge_conditions(application: Application, user) -> bool:
    """Whether the page offers this user the 符合 / 不符合 judgements: an officer of the program's office, during
    formal review."""
    return application.status == Status.SUBMITTED and officer_acts(application, user)


@transaction.atomic
def application_delete(*, actor, application: Application) -> None:
    """An administrator deletes an application (from the Django admin). Its uploaded files and PDF leave the
    disk once the deletion is committed; the audit trail keeps a record with the reference and version."""
    if not getattr(actor, "is_portal_admin", False):
        raise PermissionDenied(_("Only administrators may delete applications."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    stored = [u.file for u in locked.uploads.all() if u.file]
    if locked.pdf_file:
        stored.append(locked.pdf_file)
    files = [(f.storage, f.name) for f in stored]
    record_event(target=locked, actor=actor, action="delete", from_state=locked.status,
                 data={"reference": locked.reference, "version": locked.version, "files": len(files)})
    locked.delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
