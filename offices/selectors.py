"""Which offices a user works for (takes steps in) and which it may read.

Every staff selector in the portal narrows its rows with these, in SQL (a subquery, never a list read first),
so scoping adds no query to a page. Platform admins (the admin role, superusers) see every office.
"""

from django.db.models import Q, QuerySet

from .models import Office, OfficeMembership, OfficeRole

# Offices nest at most province → city → district, so a reader is at most two levels up.
READ_DEPTH = 2


def sees_every_office(user) -> bool:
    """A platform admin (the admin role, a superuser): every office, and the platform's own pages."""
    return bool(getattr(user, "is_authenticated", False)
                and (getattr(user, "is_superuser", False) or getattr(user, "role", None) == "admin"))


def works_for_every_office(user) -> bool:
    """Every office's rows are the user's: a platform admin, or an officer on the staff of every office (read with
    the signed-in user by ``offices.backends``, so asking costs no query). The scoping filters below are then left
    out of the SQL; they would keep every row anyway. An office admin of every office administers none the more for
    it: ``administers`` asks ``sees_every_office``."""
    if sees_every_office(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) == "officer"
                and getattr(user, "works_for_every_office", False))


def offices_acted_by(user) -> QuerySet:
    """The offices whose programs the user takes steps in: its memberships."""
    if works_for_every_office(user):
        return Office.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Office.objects.none()
    return Office.objects.filter(memberships__user=user)


def offices_read_by(user) -> QuerySet:
    """The offices whose programs the user may read: its own, and those below it that let their parent read."""
    if works_for_every_office(user):
        return Office.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Office.objects.none()
    return Office.objects.filter(read_by(user)).distinct()


def read_by(user) -> Q:
    """Offices ``user`` (a user, or an ``OuterRef`` to one) reads: its own, and those below that let it read."""
    q = Q(memberships__user=user)
    path = ""
    for _level in range(READ_DEPTH):
        path += "parent__"
        q |= Q(**{f"{path}memberships__user": user}) & _reads_up(path)
    return q


def _reads_up(path: str) -> Q:
    """Each office on the way up from a reader's office to this one lets its parent read."""
    hops = path.count("parent__")
    q = Q(parent_reads=True)
    for step in range(1, hops):
        q &= Q(**{"parent__" * step + "parent_reads": True})
    return q


def office_scope(user, path: str, *, act: bool = False) -> Q:
    """A filter for rows whose office is at ``path`` (for example ``track__program__office``): every row for a
    platform admin, the user's offices' rows for staff (``act``: only those it works for), none for others. The
    signed-in user carries its offices' codes (``offices.backends``), so the filter names them; a user loaded
    otherwise gets the same offices as a subquery."""
    if works_for_every_office(user):
        return Q()
    codes = known_codes(user, act=act)
    if codes is not None:
        return Q(**{f"{path}__in": codes})
    offices = offices_acted_by(user) if act else offices_read_by(user)
    return Q(**{f"{path}__in": offices.values("code")})


ACTED_CODES, READ_CODES = "office_codes_acted", "office_codes_read"


def known_codes(user, *, act: bool = False) -> list[str] | None:
    """The codes of the offices the user works for (``act``) or reads, as read with the signed-in user (sorted,
    once each); None for a user loaded without them."""
    name = ACTED_CODES if act else READ_CODES
    if not hasattr(user, name):
        return None
    return sorted(set(filter(None, (getattr(user, name) or "").split(","))))


def may_act_in(user, office_code: str | None) -> bool:
    """Whether the user takes steps in this office's programs (one query; platform admins and officers of every
    office none). No office (the shared expert pool): platform admins only."""
    if not office_code:
        return sees_every_office(user)
    if works_for_every_office(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return OfficeMembership.objects.filter(user=user, office_id=office_code).exists()


def may_read(user, office_code: str | None) -> bool:
    if not office_code:
        return sees_every_office(user)
    if works_for_every_office(user):
        return True
    return offices_read_by(user).filter(code=office_code).exists()


def administers(user, office_code: str) -> bool:
    """Whether the user is the office's administrator (or a platform admin)."""
    if sees_every_office(user):
        return True
    return OfficeMembership.objects.filter(user=user, office_id=office_code, role=OfficeRole.ADMIN).exists()


def memberships_of(user) -> QuerySet:
    return OfficeMembership.objects.filter(user=user).select_related("office", "office__region")


# ---------------------------------------------------------------- the office pages


def offices_listed_for(user) -> QuerySet:
    """The offices page: every office for a platform admin; an officer's own offices (with its role in each)."""
    from django.db.models import OuterRef, Subquery

    offices = Office.objects.select_related("region", "parent").annotate(my_role=Subquery(
        OfficeMembership.objects.filter(office=OuterRef("pk"), user=user).values("role")[:1]))
    if sees_every_office(user):
        return offices.order_by("code")
    return offices.filter(memberships__user=user).order_by("code")


def office_for_admin(user, code: str) -> Office:
    """An office the user administers (a platform admin: any); 404 otherwise."""
    from django.http import Http404

    office = Office.objects.select_related("region", "parent").filter(code=code).first()
    if office is None or not administers(user, office.code):
        raise Http404
    return office


def office_staff(office: Office) -> QuerySet:
    return (OfficeMembership.objects.filter(office=office).select_related("user")
            .order_by("-role", "user__username"))


def staff_membership(office: Office, pk: int) -> OfficeMembership:
    from django.http import Http404

    membership = OfficeMembership.objects.select_related("user", "office").filter(office=office, pk=pk).first()
    if membership is None:
        raise Http404
    return membership


def office_programs(office: Office) -> QuerySet:
    return office.programs.order_by("-year", "code").only("pk", "code", "title", "year", "office_id")


def parent_choices() -> QuerySet:
    return Office.objects.select_related("region").order_by("code")


def acts_flag(user, path: str):
    """An expression for a row's query: whether the user takes steps in the office at ``path`` (read with the row,
    so a page's step buttons cost no query of their own). True for platform admins, False for everyone but
    officers of the office."""
    from django.db.models import BooleanField, ExpressionWrapper, Value

    if works_for_every_office(user):
        return Value(True, output_field=BooleanField())
    if not getattr(user, "is_authenticated", False):
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(office_scope(user, path, act=True), output_field=BooleanField())
