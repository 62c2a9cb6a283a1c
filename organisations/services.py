"""Every change to an organisation's profile, its members and its project records.

Each service takes keyword-only arguments with the acting user first, runs in one transaction,
checks the actor's right, validates, saves and writes an audit event.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import (
    INVITATION_TRANSITIONS,
    AcceptanceOutcome,
    Certification,
    FinancialYear,
    Invitation,
    InvitationState,
    Membership,
    MembershipRole,
    Organisation,
    Patent,
    ProjectRecord,
)
from .selectors import can_create_organisation, can_edit_organisation, can_manage_members, officer_acts_on
from .uscc import normalise_uscc

# What members may type on the profile page. Officer-owned facts (the credit blacklist here, past awards
# and acceptance outcomes in project records) are changed only by the officer services below.
ORGANISATION_FIELDS = (
    "name", "uscc", "region", "org_type", "is_legal_person", "is_separately_counted_branch", "full_time_staff",
    "park_enterprise_count",
    "address", "contact_name", "contact_phone",
)
FINANCIAL_YEAR_FIELDS = ("year", "sales_revenue", "rd_spend", "ip_spend")
PATENT_FIELDS = ("kind", "number", "title", "granted_on", "status")
CERTIFICATION_FIELDS = ("standard", "certificate_number", "valid_from", "valid_until")
PROJECT_RECORD_FIELDS = ("title", "level", "category", "awarded_on", "acceptance", "accepted_on", "note")
EARLIEST_YEAR = 1980
# Date bounds: China's Patent Law came into force on 1985-04-01, so no patent was granted (and no IP grant
# program awarded) before it; GB/T 29490 (enterprise IP management) took effect on 2013-03-01 and its
# certificates run three years.
EARLIEST_PATENT_GRANT = dt.date(1985, 4, 1)
EARLIEST_AWARD = dt.date(1985, 4, 1)
EARLIEST_CERTIFICATE = dt.date(2013, 3, 1)
CERTIFICATE_YEARS = 3


@dataclass
class RowChanges:
    """Rows of one kind to save (existing instance or None for a new row, with its values) and to delete."""

    saved: list[tuple[models.Model | None, dict[str, Any]]] = field(default_factory=list)
    deleted: list[models.Model] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.saved or self.deleted)


def _check_fields(values: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _require_editor(actor, organisation: Organisation) -> None:
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("Only members of this organisation and program officers may change it."))


def _require_officer(actor, organisation: Organisation, message: str = "") -> None:
    """An officer who takes steps on the organisation (it applied in a program of an office the officer works
    for); refused like any other role otherwise."""
    if not officer_acts_on(actor, organisation):
        raise PermissionDenied(message or _("Only program officers may enter project records."))


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return value


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_dates(values: dict, bounds: dict[str, tuple[dt.date, dt.date | None]]) -> None:
    """Each named date between its earliest day and its latest (today when None); one message per field."""
    today = timezone.localdate()
    errors = {}
    for name, (earliest, latest) in bounds.items():
        value = values.get(name)
        latest = latest or today
        if value is not None and not earliest <= value <= latest:
            errors[name] = _("Enter a date between %(earliest)s and %(latest)s; %(value)s is not plausible.") % {
                "earliest": earliest.isoformat(), "latest": latest.isoformat(), "value": value.isoformat()}
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- organisations


@transaction.atomic
def organisation_create(*, actor, **fields) -> Organisation:
    """Register an organisation; an applicant who creates it becomes its owner."""
    if not can_create_organisation(actor):
        raise PermissionDenied(_("Only applicants and program officers may register an organisation."))
    _check_fields(fields, ORGANISATION_FIELDS)
    if "uscc" in fields:
        fields["uscc"] = normalise_uscc(fields["uscc"])
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if actor.is_applicant:
        Membership.objects.create(organisation=organisation, user=actor, role=MembershipRole.OWNER)
    record_event(
        target=organisation, actor=actor, action="organisation_create",
        data={"uscc": organisation.uscc, "name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's profile fields; only members and officers may."""
    _check_fields(fields, ORGANISATION_FIELDS)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_editor(actor, locked)
    if "uscc" in fields:
        fields["uscc"] = normalise_uscc(fields["uscc"])
    changed = {}
    for name, value in fields.items():
        before = getattr(locked, name)
        if before != value:
            changed[name] = [_audit_value(before), _audit_value(value)]
            setattr(locked, name, value)
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    record_event(target=locked, actor=actor, action="organisation_update", data={"changed": changed})
    return locked


@transaction.atomic
def organisation_set_blacklisted(*, actor, organisation: Organisation, blacklisted: bool, reason: str) -> Organisation:
    """An officer records whether the organisation is on a national or provincial credit blacklist."""
    _require_officer(actor, organisation, _("Only program officers may change the credit blacklist entry."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say where the blacklist entry comes from or why it changes.")})
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.blacklisted == blacklisted:
        raise ValidationError(
            {"blacklisted": _("The organisation is already listed on a credit blacklist.") if blacklisted
             else _("The organisation is already not listed on a credit blacklist.")}
        )
    locked.blacklisted = blacklisted
    locked.save(update_fields=["blacklisted", "updated_at"])
    record_event(
        target=locked, actor=actor, action="organisation_blacklist",
        from_state="listed" if not blacklisted else "not_listed",
        to_state="listed" if blacklisted else "not_listed", reason=reason,
    )
    return locked


# ---------------------------------------------------------------- members


def _require_member_manager(actor, organisation: Organisation) -> None:
    if not can_manage_members(actor, organisation):
        raise PermissionDenied(_("Only the organisation's owners and program officers may manage its members."))


def _move_invitation(*, actor, invitation: Invitation, to: str, action: str) -> Invitation:
    """The common step of every invitation transition: the state may move only as the table allows."""
    if to not in INVITATION_TRANSITIONS[invitation.state]:
        raise ValidationError(_("This invitation was already answered or withdrawn (%(state)s).")
                              % {"state": invitation.get_state_display()})
    before = invitation.state
    invitation.state, invitation.decided_at = to, timezone.now()
    invitation.save(update_fields=["state", "decided_at"])
    record_event(
        target=invitation.organisation, actor=actor, action=action, from_state=before, to_state=to,
        data={"invitation": invitation.pk, "user": invitation.invitee.username},
    )
    return invitation


def _locked_invitation(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("organisation", "invitee").get(pk=invitation.pk)


@transaction.atomic
def invitation_create(*, actor, organisation: Organisation, username: str) -> Invitation | None:
    """An owner (or an officer) invites an applicant to act for the organisation.

    Whether the username exists, is someone else's role or is already a member is not revealed: the caller
    shows one neutral message whatever this returns (the invitation, or None when none was made).
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_member_manager(actor, organisation)
    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if (
        user is None or not user.is_applicant
        or Membership.objects.filter(organisation=organisation, user=user).exists()
        or Invitation.objects.filter(organisation=organisation, invitee=user, state=InvitationState.PENDING).exists()
    ):
        return None
    invitation = Invitation.objects.create(organisation=organisation, invitee=user, invited_by=actor)
    record_event(
        target=organisation, actor=actor, action="invitation_create", to_state=InvitationState.PENDING,
        data={"invitation": invitation.pk, "user": user.username},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, actor, invitation: Invitation) -> Membership:
    """The invitee accepts and becomes a member."""
    invitation = _locked_invitation(invitation)
    if invitation.invitee_id != getattr(actor, "pk", None) or not actor.is_applicant:
        raise PermissionDenied(_("Only the invited user may answer an invitation."))
    _move_invitation(actor=actor, invitation=invitation, to=InvitationState.ACCEPTED, action="invitation_accept")
    # The first member of an organisation an officer registered becomes its owner.
    role = MembershipRole.MEMBER if _owners(invitation.organisation).exists() else MembershipRole.OWNER
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=actor, defaults={"role": role}
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor, invitation: Invitation) -> Invitation:
    invitation = _locked_invitation(invitation)
    if invitation.invitee_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the invited user may answer an invitation."))
    return _move_invitation(actor=actor, invitation=invitation, to=InvitationState.DECLINED,
                            action="invitation_decline")


@transaction.atomic
def invitation_cancel(*, actor, invitation: Invitation) -> Invitation:
    """An owner (or an officer) withdraws an invitation that has not been answered."""
    invitation = _locked_invitation(invitation)
    _require_member_manager(actor, invitation.organisation)
    return _move_invitation(actor=actor, invitation=invitation, to=InvitationState.CANCELLED,
                            action="invitation_cancel")


def _owners(organisation: Organisation):
    return Membership.objects.filter(organisation=organisation, role=MembershipRole.OWNER)


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """An owner (or an officer) removes a member; any member may leave. The last owner stays."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.user_id != getattr(actor, "pk", None):
        _require_member_manager(actor, organisation)
    if membership.role == MembershipRole.OWNER and _owners(organisation).count() <= 1:
        raise ValidationError(_("An organisation needs an owner: make another member an owner before removing "
                                "the last one."))
    username, role = membership.user.username, membership.role
    membership.delete()
    record_event(target=organisation, actor=actor, action="membership_remove", from_state=role,
                 data={"user": username})


@transaction.atomic
def membership_set_role(*, actor, membership: Membership, role: str) -> Membership:
    """An owner (or an officer) makes a member an owner, or an owner a plain member; the last owner stays."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require_member_manager(actor, organisation)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Choose owner or member.")})
    if membership.role == role:
        raise ValidationError(_("%(user)s already has this role.") % {"user": membership.user})
    if membership.role == MembershipRole.OWNER and _owners(organisation).count() <= 1:
        raise ValidationError(_("An organisation needs an owner: make another member an owner first."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(target=organisation, actor=actor, action="membership_role", from_state=before, to_state=role,
                 data={"user": membership.user.username})
    return membership


# ---------------------------------------------------------------- profile rows


def _check_financial_year(values: dict) -> None:
    errors = {}
    year = values.get("year")
    if year is not None and not EARLIEST_YEAR <= year <= timezone.localdate().year:
        errors["year"] = _("Enter a year between %(first)d and %(last)d.") % {
            "first": EARLIEST_YEAR, "last": timezone.localdate().year}
    for name in ("sales_revenue", "rd_spend", "ip_spend"):
        if values.get(name) is not None and values[name] < 0:
            errors[name] = _("Enter an amount of zero or more.")
    if errors:
        raise ValidationError(errors)


def check_patent(values: dict) -> None:
    """A grant date between the first Chinese patent grants and today."""
    _check_dates(values, {"granted_on": (EARLIEST_PATENT_GRANT, None)})


def check_certification(values: dict) -> None:
    """A certificate that started between the standard's publication and today and runs at most
    CERTIFICATE_YEARS, ending on or after its start."""
    _check_dates(values, {"valid_from": (EARLIEST_CERTIFICATE, None)})
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end < start:
        raise ValidationError({"valid_until": _("The certificate must end on or after the day it starts.")})
    if start and end and end > _add_years(start, CERTIFICATE_YEARS):
        raise ValidationError({"valid_until": _(
            "A certificate runs at most %(years)d years: enter an end date no later than %(latest)s."
        ) % {"years": CERTIFICATE_YEARS, "latest": _add_years(start, CERTIFICATE_YEARS).isoformat()}})


def check_project_record_dates(values: dict) -> None:
    """An award made between the first grant programs and today, accepted after the award and not later
    than today."""
    _check_dates(values, {"awarded_on": (EARLIEST_AWARD, None), "accepted_on": (EARLIEST_AWARD, None)})
    awarded_on, accepted_on = values.get("awarded_on"), values.get("accepted_on")
    if accepted_on and awarded_on and accepted_on < awarded_on:
        raise ValidationError({"accepted_on": _("The acceptance date cannot be before the award date.")})


def _rows_save(
    *, actor, organisation: Organisation, model: type[models.Model], fields: tuple[str, ...],
    changes: RowChanges, check, action: str,
) -> None:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_editor(actor, locked)
    if not changes:
        return
    rows = model.objects.filter(organisation=locked)
    deleted_pks = [row.pk for row in changes.deleted]
    if rows.filter(pk__in=deleted_pks).count() != len(set(deleted_pks)):
        raise PermissionDenied(_("Only this organisation's own rows can be deleted."))
    rows.filter(pk__in=deleted_pks).delete()
    saved = []
    for instance, values in changes.saved:
        _check_fields(values, fields)
        check(values)
        if instance is None or instance.pk is None:
            row = model(organisation=locked)
        else:
            row = rows.filter(pk=instance.pk).first()
            if row is None:
                raise PermissionDenied(_("Only this organisation's own rows can be changed."))
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        saved.append(str(row))
    record_event(
        target=locked, actor=actor, action=action,
        data={"saved": saved, "deleted": [str(row) for row in changes.deleted]},
    )


@transaction.atomic
def profile_save_financial_years(*, actor, organisation: Organisation, changes: RowChanges) -> None:
    """Add, change and delete an organisation's yearly figures (sales, R&D spend, IP spend)."""
    _rows_save(
        actor=actor, organisation=organisation, model=FinancialYear, fields=FINANCIAL_YEAR_FIELDS,
        changes=changes, check=_check_financial_year, action="financial_years_save",
    )


@transaction.atomic
def profile_save_patents(*, actor, organisation: Organisation, changes: RowChanges) -> None:
    _rows_save(
        actor=actor, organisation=organisation, model=Patent, fields=PATENT_FIELDS,
        changes=changes, check=check_patent, action="patents_save",
    )


@transaction.atomic
def profile_save_certifications(*, actor, organisation: Organisation, changes: RowChanges) -> None:
    _rows_save(
        actor=actor, organisation=organisation, model=Certification, fields=CERTIFICATION_FIELDS,
        changes=changes, check=check_certification, action="certifications_save",
    )


@transaction.atomic
def organisation_profile_save(
    *, actor, organisation: Organisation, fields: dict, financial_years: RowChanges | None = None,
    patents: RowChanges | None = None, certifications: RowChanges | None = None,
) -> Organisation:
    """The profile page's save: the organisation's fields and its three kinds of rows, all or nothing."""
    organisation = organisation_update(actor=actor, organisation=organisation, **fields)
    empty = RowChanges()
    profile_save_financial_years(actor=actor, organisation=organisation, changes=financial_years or empty)
    profile_save_patents(actor=actor, organisation=organisation, changes=patents or empty)
    profile_save_certifications(actor=actor, organisation=organisation, changes=certifications or empty)
    return organisation


# ---------------------------------------------------------------- project records (officers)


def _check_project_record(record: ProjectRecord) -> None:
    if record.acceptance == AcceptanceOutcome.PENDING:
        record.accepted_on = None  # no longer applies
    elif record.accepted_on is None:
        raise ValidationError(
            {"accepted_on": _("Enter the acceptance date for a passed or failed acceptance.")}
        )
    check_project_record_dates({"awarded_on": record.awarded_on, "accepted_on": record.accepted_on})


@transaction.atomic
def project_record_create(*, actor, organisation: Organisation, **fields) -> ProjectRecord:
    """An officer records a past award (and its acceptance outcome) that predates the portal."""
    _require_officer(actor, organisation)
    _check_fields(fields, PROJECT_RECORD_FIELDS)
    record = ProjectRecord(organisation=organisation, source="officer", recorded_by=actor, **fields)
    _check_project_record(record)
    record.full_clean()
    record.save()
    record_event(
        target=record, actor=actor, action="project_record_create", to_state=record.acceptance,
        data={"organisation": organisation.pk, "title": record.title},
    )
    return record


@transaction.atomic
def project_record_update(*, actor, record: ProjectRecord, **fields) -> ProjectRecord:
    _require_officer(actor, record.organisation)
    _check_fields(fields, PROJECT_RECORD_FIELDS)
    locked = ProjectRecord.objects.select_for_update().get(pk=record.pk)
    before = locked.acceptance
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_project_record(locked)
    locked.recorded_by = actor
    locked.full_clean()
    locked.save(update_fields=[*PROJECT_RECORD_FIELDS, "recorded_by"])
    record_event(
        target=locked, actor=actor, action="project_record_update", from_state=before,
        to_state=locked.acceptance, data={"organisation": locked.organisation_id, "title": locked.title},
    )
    return locked
