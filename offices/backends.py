"""Signing in and loading the signed-in user (Django's ModelBackend), with what the scoping needs of the user's
offices read in the same query: whether the user works for every office of the platform, and the codes of the
offices it works for and reads (``offices.selectors.known_codes``: the filters then name them instead of a
subquery over memberships and parents).

An installation's officers start as members of every office (the migration that brought offices made them so), and
a province's staff may be too. For them every office filter is a no-op that still costs the database a join or a
subquery on every list (measured at 10,000 applications: the project list 1.57×, the organisations 2.19× and the
expert pool 1.13× the admin changelist, against ≤ 1.0× without it). With the flag the selectors leave the filter out
(``offices.selectors.works_for_every_office``), and it costs no query: the user row is read on every request anyway.
A user loaded any other way (a task, a service re-reading its actor) has no flag and is filtered as before.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, Exists, OuterRef, Subquery, Value

from .models import Office, OfficeMembership
from .selectors import ACTED_CODES, READ_CODES, read_by

EVERY_OFFICE = "works_for_every_office"


class Joined(Aggregate):
    """The values joined with commas (PostgreSQL's string_agg, SQLite's group_concat)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _codes(offices) -> Subquery:
    return Subquery(offices.annotate(_all=Value(1)).order_by().values("_all").annotate(
        codes=Joined("code")).values("codes")[:1], output_field=CharField())


def with_every_office_flag(users):
    """``users`` annotated with ``works_for_every_office`` (no office lacks the user among its members, and there
    is at least one office) and with the codes of the offices each works for and reads (``offices.selectors``
    turns them into the scoping filters' lists)."""
    user = OuterRef("pk")
    member = OfficeMembership.objects.filter(office=OuterRef("pk"), user=OuterRef(OuterRef("pk")))
    return users.annotate(**{
        EVERY_OFFICE: Exists(Office.objects.all()) & ~Exists(Office.objects.filter(~Exists(member))),
        ACTED_CODES: _codes(Office.objects.filter(memberships__user=user)),
        READ_CODES: _codes(Office.objects.filter(read_by(user))),
    })


class OfficeModelBackend(ModelBackend):
    """ModelBackend whose ``get_user`` (once per request, from the session) also reads the every-office flag and
    the office codes."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        user = with_every_office_flag(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
