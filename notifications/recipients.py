"""Who is told: the recipients every app's notices and reminders are built from, and one notice to many. An
officer in charge who has left is stood in for by every active program officer, so that nothing goes untold.

Offices: a notice about a program goes only to officers who work for the program's office (its code, given as
``office``/``offices``): an officer in charge who no longer does is left out, and the stand-ins are that
office's officers. Memberships are read by the user's ``office_memberships`` relation (notifications sits below
the offices app and imports nothing of it)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db import models

from accounts.models import Role, User

from .services import notify, notify_many


def active_officers(office: str | None = None) -> list[User]:
    """Every active program officer (of the office, when given), in a fixed order: who stands in for an officer
    in charge who has left."""
    users = User.objects.filter(role=Role.OFFICER, is_active=True)
    if office is not None:
        users = users.filter(office_memberships__office_id=office)
    return list(users.order_by("pk"))


def officers_of_offices(codes: Iterable[str]) -> dict[str, list[User]]:
    """Each office's active program officers, in a fixed order: one query whatever the number of offices."""
    found: dict[str, list[User]] = {code: [] for code in codes}
    if found:
        for user in (User.objects.filter(role=Role.OFFICER, is_active=True, office_memberships__office_id__in=found)
                     .annotate(office_code=models.F("office_memberships__office_id")).order_by("pk")):
            found[user.office_code].append(user)
    return found


def _working_for(users: Iterable[User], codes: set[str]) -> set[tuple[int, str]]:
    """(user, office) for each of these officers' memberships among the offices: one query."""
    officers = {user.pk for user in users if user.role == Role.OFFICER}
    if not officers or not codes:
        return set()
    return set(User.objects.filter(pk__in=officers, office_memberships__office_id__in=codes)
               .values_list("pk", "office_memberships__office_id"))


def in_charge_each(officers: dict[Hashable, Iterable[User]], *,
                   offices: dict[Hashable, str] | None = None) -> dict[Hashable, list[User]]:
    """For each key (a project, a round, a tranche) its officers in charge who are still active (and, with
    ``offices``, the key's program's office code, who still work for that office; administrators work for every
    office); where none is, every active program officer (of that office), read once whatever the number of keys
    (and only when needed)."""
    present = {key: [user for user in users if user.is_active] for key, users in officers.items()}
    if offices is not None:
        working = _working_for([user for users in present.values() for user in users], set(offices.values()))
        present = {key: [user for user in users if user.role != Role.OFFICER or (user.pk, offices[key]) in working]
                   for key, users in present.items()}
    if all(present.values()):
        return present
    if offices is None:
        stand_ins = active_officers()
        return {key: found or stand_ins for key, found in present.items()}
    by_office = officers_of_offices({offices[key] for key, found in present.items() if not found})
    return {key: found or by_office[offices[key]] for key, found in present.items()}


def in_charge(officers: Iterable[User], *, office: str | None = None) -> list[User]:
    """The officers in charge who are still active (and work for the office, when given), or every active
    program officer (of that office) when none is."""
    return in_charge_each({None: officers}, offices=None if office is None else {None: office})[None]


def notify_each(recipients: Iterable[User], *, kind: str, target=None, **values) -> None:
    """The same notice to each recipient (each one's inbox row, and e-mail unless they turned it off)."""
    for recipient in recipients:
        notify(recipient=recipient, kind=kind, target=target, **values)


@dataclass(frozen=True)
class Notice:
    """One notice to send with ``notify_many``: to whom, of which kind, about what, with which figures."""

    recipient: User
    kind: str
    target: models.Model | None = None
    values: dict = field(default_factory=dict)


def notify_all(notices: Iterable[Notice]) -> None:
    """Many notices (several recipients, several targets) in a fixed number of queries whatever their number."""
    notices = list(notices)
    if notices:
        notify_many(notices)
