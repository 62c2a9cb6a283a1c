"""Whether a user takes steps in an office's programs, asked many times while one page is drawn (a button per
row): the user's offices are read once and kept on the user object for the rest of the request. Services check
again with ``selectors.may_act_in`` inside their transaction; this only decides which buttons a page shows."""

from __future__ import annotations

from .selectors import known_codes, offices_acted_by, sees_every_office, works_for_every_office

_CACHE = "_offices_acted"


def acting_offices(user) -> frozenset[str] | None:
    """The codes of the offices the user works for; None for a platform admin or an officer of every office (every
    office). No query for the signed-in user (the codes are read with it); for a user loaded otherwise, one query
    the first time in a request, none after."""
    if works_for_every_office(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    found = user.__dict__.get(_CACHE)
    if found is None:
        codes = known_codes(user, act=True)  # read with the signed-in user: no query
        found = frozenset(codes if codes is not None else offices_acted_by(user).values_list("code", flat=True))
        user.__dict__[_CACHE] = found
    return found


def acts_in(user, office_code: str | None) -> bool:
    """Whether the page offers the user the steps of this office's programs (None: the shared expert pool, a
    platform admin's)."""
    if office_code is None:
        return sees_every_office(user)
    offices = acting_offices(user)
    return offices is None or office_code in offices
