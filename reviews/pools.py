"""Which expert pools an office draws from: the shared pool (experts of no office), the office's own pool and the
pools of the offices above it (a district draws from its city's and its province's). Conflicts and exclusions
are worked out on whoever is drawn, whatever the pool. Each is a filter applied in SQL (a subquery), no query of
its own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from offices.models import Office
from offices.selectors import READ_DEPTH, sees_every_office, works_for_every_office


def _up(field: str, value) -> Q:
    """Offices whose ``field`` is ``value``, or one of whose descendants' is (the offices above it)."""
    q, path = Q(**{field: value}), ""
    for _level in range(READ_DEPTH):
        path += "children__"
        q |= Q(**{path + field: value})
    return q


def drawn_offices(office_code: str) -> QuerySet[Office]:
    """The office and the offices above it: the pools its programs draw from besides the shared one."""
    return Office.objects.filter(_up("code", office_code)).values("code")


def candidates(office_code: str, path: str = "") -> Q:
    """Experts a program of ``office_code`` may be assigned: the shared pool, its office's and its ancestors'."""
    return Q(**{f"{path}office__isnull": True}) | Q(**{f"{path}office__in": drawn_offices(office_code)})


def pool_of(user) -> Q:
    """Experts the user's offices draw from (the pool page): the shared pool, the pools of the user's offices and
    of the offices above them; every expert for a platform admin or an officer of every office."""
    if works_for_every_office(user):
        return Q()
    return Q(office__isnull=True) | Q(office__in=Office.objects.filter(_up("memberships__user", user)).values("code"))


def pool_choices(user) -> list[tuple[str, str]]:
    """The pools the user may add experts to: the offices the user works for; a platform admin also the shared
    pool (the empty code). One query."""
    from django.utils.translation import gettext as _

    from offices.selectors import offices_acted_by

    shared = [("", _("Shared pool (every office)"))] if sees_every_office(user) else []
    return shared + [(o.code, o.name) for o in offices_acted_by(user).only("code", "name").order_by("code")]

