"""Every change to offices and their staff.

A platform admin (the admin role, superusers) creates and edits offices and manages any office's staff; an
office's administrator (an ``OfficeMembership`` with the admin role) manages its own office's staff. Each service
takes keyword-only arguments with the acting user first, runs in one transaction, locks the office, checks the
actor's right, validates, saves and writes an audit event on the office.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.services import record_event
from core.dispatch import queue
from organisations.models import Region

from .models import Office, OfficeMembership, OfficeRole
from .selectors import administers, sees_every_office

OFFICE_FIELDS = ("name", "region", "parent", "parent_reads")


def _require_platform_admin(actor) -> None:
    if not sees_every_office(actor):
        raise PermissionDenied(_("Only the portal's administrators may create or change offices."))


def _require_office_admin(actor, office: Office) -> None:
    if not administers(actor, office.code):
        raise PermissionDenied(_("Only the office's administrators and the portal's administrators may manage "
                                 "its staff."))


def check_office(office: Office) -> None:
    """An office's parent is not the office itself nor one of the offices below it, and the parent's region
    contains the office's region (a district's office under its city's or province's, never the reverse)."""
    parent = office.parent
    if parent is None:
        return
    seen, node = set(), parent
    while node is not None:
        if node.pk == office.pk or node.pk in seen:
            raise ValidationError({"parent": _(
                "%(parent)s is %(office)s itself or an office below it: an office cannot be above itself. Choose "
                "an office higher up, or none.") % {"parent": parent.name, "office": office.name or office.pk}})
        seen.add(node.pk)
        node = node.parent
    region = Region.objects.select_related("parent__parent").get(pk=office.region_id)
    if parent.region_id not in region.lineage_codes():
        raise ValidationError({"parent": _(
            "The parent office's region (%(parent_region)s) does not contain this office's region (%(region)s): "
            "choose a parent office of a region that contains it, or change the region.") % {
            "parent_region": parent.region.full_name, "region": region.full_name}})


def _changes(office: Office, values: dict) -> dict:
    changed = {}
    for name in OFFICE_FIELDS:
        if name not in values:
            continue
        before, after = getattr(office, name), values[name]
        if before != after:
            changed[name] = [_audit_value(before), _audit_value(after)]
            setattr(office, name, after)
    return changed


def _audit_value(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def office_create(*, actor, code: str, name: str, region: Region, parent: Office | None = None,
                  parent_reads: bool = True) -> Office:
    _require_platform_admin(actor)
    code = (code or "").strip()
    if Office.objects.filter(pk=code).exists():
        raise ValidationError({"code": _("An office with the code “%(code)s” exists already: choose another code.")
                               % {"code": code}})
    if Office.objects.filter(name=name).exists():
        raise ValidationError({"name": _("An office with this name exists already.")})
    office = Office(code=code, name=name, region=region, parent=parent, parent_reads=parent_reads)
    check_office(office)
    office.save(force_insert=True)
    record_event(target=office, actor=actor, action="office_create", to_state="active",
                 data={"name": name, "region": region.pk, "parent": parent.pk if parent else None,
                       "parent_reads": parent_reads})
    return office


@transaction.atomic
def office_update(*, actor, office: Office, **values) -> Office:
    """Change an office's name, region, parent or whether its parent reads its programs (the code stays: the
    guides and the audit trail name the office by it)."""
    unknown = set(values) - set(OFFICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    _require_platform_admin(actor)
    office = Office.objects.select_for_update().get(pk=office.pk)
    if "name" in values and Office.objects.filter(name=values["name"]).exclude(pk=office.pk).exists():
        raise ValidationError({"name": _("An office with this name exists already.")})
    changed = _changes(office, values)
    if not changed:
        return office
    check_office(office)
    office.save(update_fields=list(changed))
    record_event(target=office, actor=actor, action="office_update", data=changed)
    return office


# ---------------------------------------------------------------- staff


def _locked_office(office: Office) -> Office:
    return Office.objects.select_for_update().get(pk=office.pk)


def _admins(office: Office):
    return OfficeMembership.objects.filter(office=office, role=OfficeRole.ADMIN)


def _check_role(role: str) -> None:
    if role not in OfficeRole.values:
        raise ValidationError({"role": _("Choose officer or office administrator.")})


def _join(*, actor, office: Office, user, role: str, action: str) -> OfficeMembership:
    membership = OfficeMembership.objects.create(office=office, user=user, role=role)
    record_event(target=office, actor=actor, action=action, to_state=role, data={"user": user.username})
    return membership


@transaction.atomic
def staff_add(*, actor, office: Office, account: str, role: str = OfficeRole.OFFICER) -> OfficeMembership:
    """Add an existing officer account (named by user name or e-mail) to the office's staff."""
    office = _locked_office(office)
    _require_office_admin(actor, office)
    _check_role(role)
    term = (account or "").strip()
    users = get_user_model().objects.filter(Q(username__iexact=term) | Q(email__iexact=term)) if term else None
    found = list(users[:2]) if users is not None else []
    if len(found) != 1 or found[0].role != Role.OFFICER:
        raise ValidationError({"account": _(
            "No officer account has the user name or e-mail “%(account)s”. Check the spelling, or invite a new "
            "officer below.") % {"account": term}})
    user = found[0]
    if OfficeMembership.objects.filter(office=office, user=user).exists():
        raise ValidationError({"account": _("%(user)s is already on this office's staff.") % {"user": user}})
    return _join(actor=actor, office=office, user=user, role=role, action="office_staff_add")


@transaction.atomic
def staff_invite(*, actor, office: Office, username: str, email: str, full_name: str,
                 role: str = OfficeRole.OFFICER) -> OfficeMembership:
    """Make a new officer account on the office's staff; it gets a mail with a link to set its password."""
    office = _locked_office(office)
    _require_office_admin(actor, office)
    _check_role(role)
    username, email = (username or "").strip(), (email or "").strip().lower()
    users = get_user_model().objects
    errors = {}
    if users.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken: choose another, or add the existing account above.")
    if users.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this e-mail exists already: add it above by its e-mail instead.")
    if errors:
        raise ValidationError(errors)
    user = users.create(username=username, email=email, full_name=(full_name or "").strip(), role=Role.OFFICER,
                        language=settings.LANGUAGE_CODE)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    record_event(target=office, actor=actor, action="office_staff_invite", to_state=role,
                 data={"user": user.username})
    membership = OfficeMembership.objects.create(office=office, user=user, role=role)
    queue("offices.send_welcome_mail", robust=True, user_id=user.pk, office_code=office.code)
    return membership


@transaction.atomic
def staff_set_role(*, actor, membership: OfficeMembership, role: str) -> OfficeMembership:
    """Make a staff member the office's administrator, or an administrator a plain officer; the last
    administrator stays."""
    office = _locked_office(membership.office)
    _require_office_admin(actor, office)
    _check_role(role)
    membership = OfficeMembership.objects.select_for_update().select_related("user").get(pk=membership.pk,
                                                                                          office=office)
    if membership.role == role:
        raise ValidationError(_("%(user)s already has this role.") % {"user": membership.user})
    if membership.role == OfficeRole.ADMIN and _admins(office).count() <= 1:
        raise ValidationError(_("%(user)s is the office's only administrator: make another staff member an "
                                "administrator first.") % {"user": membership.user})
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(target=office, actor=actor, action="office_staff_role", from_state=before, to_state=role,
                 data={"user": membership.user.username})
    return membership


@transaction.atomic
def staff_remove(*, actor, membership: OfficeMembership) -> None:
    """Take a staff member off the office (the account stays); never the last administrator."""
    office = _locked_office(membership.office)
    _require_office_admin(actor, office)
    membership = OfficeMembership.objects.select_for_update().select_related("user").get(pk=membership.pk,
                                                                                          office=office)
    if membership.role == OfficeRole.ADMIN and _admins(office).count() <= 1:
        raise ValidationError(_("%(user)s is the office's only administrator: make another staff member an "
                                "administrator before removing them.") % {"user": membership.user})
    username, role = membership.user.username, membership.role
    membership.delete()
    record_event(target=office, actor=actor, action="office_staff_remove", from_state=role,
                 data={"user": username})
