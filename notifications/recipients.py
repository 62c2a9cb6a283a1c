"""Who is told: the recipients every app's notices and reminders are built from, and one notice to many. An
officer in charge who has left is stood in for by every active program officer, so that nothing goes untold."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db import models

from accounts.models import Role, User

from .services import notify, notify_many


def active_officers() -> list[User]:
    """Every active program officer, in a fixed order: who stands in for an officer in charge who has left."""
    return list(User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk"))


def in_charge_each(officers: dict[Hashable, Iterable[User]]) -> dict[Hashable, list[User]]:
    """For each key (a project, a round, a tranche) its officers in charge who are still active; where none is,
    every active program officer, read once whatever the number of keys (and only when needed)."""
    present = {key: [user for user in users if user.is_active] for key, users in officers.items()}
    if all(present.values()):
        return present
    stand_ins = active_officers()
    return {key: found or stand_ins for key, found in present.items()}


def in_charge(officers: Iterable[User]) -> list[User]:
    """The officers in charge who are still active, or every active program officer when none is."""
    return in_charge_each({None: officers})[None]


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
