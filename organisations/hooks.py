"""Which organisations staff see, decided by the apps above that know where an organisation applied.

Organisations sit below offices and applications, so they cannot say themselves which office's officers may see
an organisation. A staff scope takes (user, act) and returns a filter on organisations (an empty ``Q()`` for a
user who sees them all): ``applications`` registers one in its ``AppConfig.ready()`` (an organisation with an
application in a program of the officer's offices, or with none submitted anywhere yet). Every registered scope
applies; with none registered, staff see every organisation (as before offices).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

StaffScope = Callable[..., Q]
STAFF_SCOPES: list[StaffScope] = []


def register_staff_scope(func: StaffScope) -> StaffScope:
    if func not in STAFF_SCOPES:
        STAFF_SCOPES.append(func)
    return func


def staff_scope(user, *, act: bool = False) -> Q:
    """The organisations an officer sees (``act``: those it takes steps on), as one filter for SQL."""
    scope = Q()
    for func in STAFF_SCOPES:
        scope &= func(user, act=act)
    return scope
