"""The pages the benchmark times: one ``register(...)`` line each.

Each page names who opens it, its URL, how to read the ids of the rows it lists from its template context, the
Django admin changelist (or change form) over exactly the same rows, a hand-written SQL lower bound returning the
same rows, and its goal. The runner checks both references: the admin must list the page's ids (its page size is
set to the page's number of rows, its order to the page's, see ``Admin``) and the raw query's rows statement must
return them too, at no more EXPLAIN cost than the page's queries together (PostgreSQL) and no more time.

URLs and SQL are functions of a ``Sample`` (ids, a search term and a page number picked from the seeded data),
so the same registry runs at 40 applications in the test suite and at 10,000 or a million on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse

from applications.models import Application, ApplicationVersion, MaterialUpload
from organisations.models import Membership, Organisation, Region
from organisations.uscc import normalise_uscc
from programs.models import Material, Program, Track

from .goals import ADMIN, EACH_READ_ONCE, FAST_QUERY, FLAT, PAGINATED, Goal

QUEUE_PAGE = 25
Statement = tuple[str, list]


@dataclass
class Sample:
    """What the pages are opened with, taken from the seeded rows."""

    officer: object
    admin: object
    applicant: object
    organisation_id: int
    application_id: int
    track_id: int
    deep_page: int
    term: str  # a word of the seeded titles
    uscc_fragment: str
    search_page: int = 1  # page 3 of the search for ``term``, or its last page when it has fewer
    review_track_id: int | None = None  # the track with the largest current review round
    review_round_id: int | None = None
    reviewer: object = None  # the seeded reviewer with the most assignments
    reviewer_profile_id: int | None = None
    project_id: int | None = None  # a seeded project, in the program with the most projects
    project_program_id: int | None = None
    report_id: int | None = None
    budget_program_id: int | None = None  # a program whose tracks have budgets (the fund plan)
    scoped_officer: object = None  # an officer of two offices (seed.SCOPED_OFFICES)
    scoped_offices: tuple[str, ...] = ()
    scoped_program_ids: tuple[int, ...] = ()  # the programs of those offices (earlier editions included)
    scoped_deep_page: int = 1


@dataclass
class Admin:
    """The admin reference: ``model``'s changelist at ``query`` (a function of the sample and the page's ids),
    shown with the page's number of rows and in ``ordering`` (the page's order); ``change``: its change form for
    the single object the page shows."""

    model: type
    query: Callable[[Sample, list], str] = lambda s, ids: ""
    ordering: tuple | None = None
    change: bool = False
    per_page: int | None = None  # the page's page size where a page may show fewer rows (its last page)
    key: str = "pk"  # the attribute of the admin's objects the page's ids are

    def url(self, sample: Sample, ids: list) -> str:
        base = f"/admin/{self.model._meta.app_label}/{self.model._meta.model_name}/"
        if self.change:
            return f"{base}{ids[0]}/change/"
        query = self.query(sample, ids)
        return f"{base}?{query}" if query else base


def rows_of(name: str = "page") -> Callable:
    """The ids of a paginated page's rows (``page.object_list``) or of a list in the context."""
    def ids(context) -> list:
        rows = context[name]
        rows = rows.object_list if hasattr(rows, "object_list") else rows
        return [getattr(row, "pk", row[0] if isinstance(row, tuple | list) else row) for row in rows]
    return ids


def object_of(name: str) -> Callable:
    return lambda context: [context[name].pk]


@dataclass
class Page:
    name: str
    user: str  # "officer", "scoped_officer", "applicant", "reviewer", "admin" or "anonymous"
    url: Callable[[Sample], str]
    admin: Admin | None = None
    raw_sql: Callable[[Sample], list[Statement]] | None = None
    ids: Callable | None = None  # context → the ids of the listed rows; None: the page lists no rows
    raw_rows: int = -1  # the raw statement whose first column is the rows' ids
    goal: Goal = ADMIN
    tags: set[str] = field(default_factory=set)
    goal_tables: tuple[str, ...] = ()  # the goal reads only the statements reading these tables first




PAGES: list[Page] = []


DEFAULT_IDS = rows_of()


def register(name: str, user: str, url, admin=None, raw_sql=None, *, ids=DEFAULT_IDS, raw_rows=-1, goal=ADMIN,
             tags=(), goal_tables=()) -> None:
    PAGES.append(Page(name, user, url, admin, raw_sql, ids, raw_rows, goal, set(tags), tuple(goal_tables)))


def id_list(ids) -> str:
    return ",".join(str(i) for i in ids) or "0"


# --- tables ----------------------------------------------------------------------------------------------------
A = Application._meta.db_table
T = Track._meta.db_table
P = Program._meta.db_table
O = Organisation._meta.db_table  # noqa: E741
M = Material._meta.db_table
U = MaterialUpload._meta.db_table
V = ApplicationVersion._meta.db_table
MS = Membership._meta.db_table
R = Region._meta.db_table

QUEUE_ORDER = ("-submitted_at", "-pk")


def _queue_sql(where: str = "", params: list | None = None, offset: int = 0) -> list[Statement]:
    """A count and the page's rows, only the columns shown, cut on ids in the page's order (its partial index's:
    ``submitted_at DESC NULLS LAST``)."""
    params = params or []
    order = "a.submitted_at DESC NULLS LAST, a.id DESC"
    rows = f"""
        SELECT a.id, a.reference, a.title, a.requested_amount, a.status, a.verdict_overall, a.submitted_at,
               t.code, t.title, o.name, o.uscc
        FROM (SELECT a.id FROM {A} a WHERE a.submitted_at IS NOT NULL {where}
              ORDER BY {order} LIMIT {QUEUE_PAGE} OFFSET {offset}) cut
        JOIN {A} a ON a.id = cut.id JOIN {T} t ON t.id = a.track_id JOIN {O} o ON o.id = a.organisation_id
        ORDER BY {order}"""
    return [(f"SELECT COUNT(*) FROM {A} a WHERE a.submitted_at IS NOT NULL {where}", params), (rows, params)]


def _search_where(term: str) -> tuple[str, list, list[Statement]]:
    """As the page searches (``applications.selectors.queue_search``): the organisations matching the term first
    (one statement, run and timed with the rest), then applications whose reference or title matches or whose
    organisation is one of those (no such clause when none matches; a subquery past ``SEARCH_ORGANISATION_IDS``).
    The casts let PostgreSQL use the trigram indexes on ``UPPER(column::text)``."""
    from applications.selectors import SEARCH_ORGANISATION_IDS

    like = f"%{term}%"
    matching = f"FROM {O} WHERE UPPER(CAST(name AS TEXT)) LIKE UPPER(%s) OR CAST(uscc AS TEXT) LIKE %s"
    by_organisation = [like, f"%{normalise_uscc(term)}%"]
    organisations = (f"SELECT id {matching} ORDER BY name LIMIT {SEARCH_ORGANISATION_IDS + 1}", by_organisation)
    with connection.cursor() as cursor:
        cursor.execute(*organisations)
        ids = [row[0] for row in cursor.fetchall()]
    where = "UPPER(CAST(a.reference AS TEXT)) LIKE UPPER(%s) OR UPPER(CAST(a.title AS TEXT)) LIKE UPPER(%s)"
    params = [like, like]
    if len(ids) > SEARCH_ORGANISATION_IDS:
        where, params = f"{where} OR a.organisation_id IN (SELECT id {matching})", params + by_organisation
    elif ids:
        where += f" OR a.organisation_id IN ({id_list(ids)})"
    return f"AND ({where})", params, [organisations]


def _search_matches(term: str) -> tuple[str, list, list[Statement]]:
    """The submitted applications matching ``term`` (id and submission time), and the statements run first."""
    where, params, before = _search_where(term)
    return f"SELECT a.id, a.submitted_at FROM {A} a WHERE a.submitted_at IS NOT NULL {where}", params, before


def search_count(term: str) -> int:
    """How many submitted applications the queue's search for ``term`` finds."""
    matches, params, _before = _search_matches(term)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({matches}) m", params)
        return cursor.fetchone()[0]


def _search_sql(term: str, offset: int = 0) -> list[Statement]:
    """The search's lower bound: after the organisations, one statement that reads the matches once (a CTE that
    both the count and the cut read: on PostgreSQL a bitmap scan of the trigram indexes, where a cut on the
    queue's order index filters every row it walks past), cuts the page in the queue's order and loads only its
    rows with the columns shown, the count beside them (as the page's single rows statement has it)."""
    matches, params, before = _search_matches(term)
    order = "a.submitted_at DESC NULLS LAST, a.id DESC"
    rows = f"""
        WITH m AS ({matches})
        SELECT a.id, a.reference, a.title, a.requested_amount, a.status, a.verdict_overall, a.submitted_at,
               t.code, t.title, o.name, o.uscc, (SELECT COUNT(*) FROM m) AS total
        FROM (SELECT m.id FROM m ORDER BY m.submitted_at DESC NULLS LAST, m.id DESC
              LIMIT {QUEUE_PAGE} OFFSET {offset}) cut
        JOIN {A} a ON a.id = cut.id JOIN {T} t ON t.id = a.track_id JOIN {O} o ON o.id = a.organisation_id
        ORDER BY {order}"""
    return [*before, (rows, params)]


def _queue(query: str = "") -> Callable[[Sample], str]:
    return lambda s: reverse("applications:officer_queue") + query.format(s=s)


def _admin_queue(query: str = "") -> Admin:
    return Admin(Application, lambda s, ids: "submitted_at__isnull=False" + query.format(s=s), QUEUE_ORDER,
                 per_page=QUEUE_PAGE)


register("queue page 1", "officer", _queue(), _admin_queue(), lambda s: _queue_sql(), tags={"queue"})
register("queue deep page", "officer", _queue("?page={s.deep_page}"), _admin_queue("&p={s.deep_page}"),
         lambda s: _queue_sql(offset=(s.deep_page - 1) * QUEUE_PAGE), tags={"queue"})
register("queue search title", "officer", _queue("?q={s.term}"), _admin_queue("&q={s.term}"),
         lambda s: _search_sql(s.term), tags={"queue"})
register("queue search USCC", "officer", _queue("?q={s.uscc_fragment}"), _admin_queue("&q={s.uscc_fragment}"),
         lambda s: _search_sql(s.uscc_fragment), tags={"queue"})
register("queue track filter", "officer", _queue("?track={s.track_id}"), _admin_queue("&track__id__exact={s.track_id}"),
         lambda s: _queue_sql("AND a.track_id = %s", [s.track_id]), tags={"queue"})
register("queue deep search", "officer", _queue("?q={s.term}&page={s.search_page}"),
         _admin_queue("&q={s.term}&p={s.search_page}"),
         lambda s: _search_sql(s.term, offset=(s.search_page - 1) * QUEUE_PAGE), tags={"queue"})


# --- offices: the officer's lists as an officer of two offices, against the admin changelist narrowed to the same
# offices' programs (the rows an office's officer sees); the raw bound narrows by the programs' office.


def office_where(s: Sample) -> tuple[str, list]:
    """The programs of the offices the officer is on the staff of, as a person would write it: the page's filter
    also follows parents that read their children (none here: the two offices have none below them)."""
    return (f"AND a.track_id IN (SELECT t.id FROM {T} t JOIN {P} p ON p.id = t.program_id "
            f"WHERE p.office_id IN (SELECT m.office_id FROM offices_officemembership m WHERE m.user_id = %s))",
            [s.scoped_officer.pk])


def _scoped_programs(s: Sample) -> str:
    return id_list(s.scoped_program_ids)


def _scoped_queue_sql(s: Sample, offset: int = 0) -> list[Statement]:
    where, params = office_where(s)
    return _queue_sql(where, params, offset=offset)


def _admin_scoped_queue(query: str = "") -> Admin:
    return Admin(Application, lambda s, ids: f"submitted_at__isnull=False&track__program__id__in={_scoped_programs(s)}"
                 + query.format(s=s), QUEUE_ORDER, per_page=QUEUE_PAGE)


register("queue page 1 (officer of two offices)", "scoped_officer", _queue(), _admin_scoped_queue(),
         _scoped_queue_sql, tags={"queue", "offices"})
register("queue deep page (officer of two offices)", "scoped_officer", _queue("?page={s.scoped_deep_page}"),
         _admin_scoped_queue("&p={s.scoped_deep_page}"),
         lambda s: _scoped_queue_sql(s, offset=(s.scoped_deep_page - 1) * QUEUE_PAGE), tags={"queue", "offices"})


def _application_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT a.id, a.reference, a.title, a.status, a.requested_amount, a.submitted_at, t.title, p.title, o.name "
         f"FROM {A} a JOIN {T} t ON t.id = a.track_id JOIN {P} p ON p.id = t.program_id "
         f"JOIN {O} o ON o.id = a.organisation_id WHERE a.id = %s", [s.application_id]),
        (f"SELECT id, original_name, size FROM {U} WHERE application_id = %s", [s.application_id]),
        (f"SELECT id, number, submitted_at FROM {V} WHERE application_id = %s ORDER BY number", [s.application_id]),
    ]


register("application page (officer)", "officer", lambda s: reverse("applications:detail", args=[s.application_id]),
         Admin(Application, change=True), _application_sql, ids=object_of("application"), raw_rows=0,
         goal=EACH_READ_ONCE)


def _mine_sql(s: Sample, limit: int = 20) -> list[Statement]:
    """As the page reads them (through the membership, newest change first), only the columns shown."""
    where = (f"FROM {A} a JOIN {O} o ON o.id = a.organisation_id JOIN {MS} ms ON ms.organisation_id = o.id "
             f"WHERE ms.user_id = %s")
    return [
        (f"SELECT COUNT(*) {where}", [s.applicant.pk]),
        (f"SELECT a.id, a.reference, a.title, a.status, a.updated_at, a.track_id {where} "
         f"ORDER BY a.updated_at DESC LIMIT {limit}", [s.applicant.pk]),
    ]


MINE_ADMIN = Admin(Application, lambda s, ids: f"organisation__id__exact={s.organisation_id}", ("-updated_at", "-pk"))
register("my applications", "applicant", lambda s: reverse("applications:mine"), MINE_ADMIN, _mine_sql)


def _organisations_sql(s: Sample) -> list[Statement]:
    """The page and its total in one pass, as the page reads them (a window count)."""
    return [(f"SELECT o.id, o.name, o.uscc, o.region_id, COUNT(*) OVER () FROM {O} o ORDER BY o.name, o.id LIMIT 20",
             [])]


register("organisations (officer)", "officer", lambda s: reverse("organisations:list"),
         Admin(Organisation, ordering=("name", "pk")), _organisations_sql)


MEMBER_OFFICES = "SELECT m.office_id FROM offices_officemembership m WHERE m.user_id = %s"


def _scoped_organisations_sql(s: Sample) -> list[Statement]:
    """The organisations an officer of two offices sees: all but those whose every submitted application is
    another office's (one grouped pass over the applications' (organisation, track) index), with their total."""
    hidden = (f"SELECT a.organisation_id FROM {A} a WHERE a.submitted_at IS NOT NULL GROUP BY a.organisation_id "
              f"HAVING MAX(CASE WHEN a.track_id IN (SELECT t.id FROM {T} t JOIN {P} p ON p.id = t.program_id "
              f"WHERE p.office_id IN ({MEMBER_OFFICES})) THEN 1 ELSE 0 END) = 0")
    return [(f"SELECT o.id, o.name, o.uscc, o.region_id, COUNT(*) OVER () FROM {O} o WHERE o.id NOT IN ({hidden}) "
             f"ORDER BY o.name, o.id LIMIT 20", [s.scoped_officer.pk])]


# The admin has no filter for "seen by this officer": its changelist is narrowed to the page's own rows (a cheaper
# reference than the whole list: its count is the page's 20).
register("organisations (officer of two offices)", "scoped_officer", lambda s: reverse("organisations:list"),
         Admin(Organisation, lambda s, ids: f"id__in={id_list(ids)}", ("name", "pk")), _scoped_organisations_sql,
         tags={"offices"})


def _catalogue_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {P}", []),
        # The page's 20 programs first, their tracks counted in one grouped pass over the (small) tracks table.
        (f"SELECT p.id, p.code, p.title, p.year, COALESCE(c.n, 0) FROM (SELECT id, code, title, year FROM {P} "
         f"ORDER BY year DESC, code LIMIT 20) p LEFT JOIN (SELECT program_id, COUNT(*) AS n FROM {T} "
         f"GROUP BY program_id) c ON c.program_id = p.id ORDER BY p.year DESC, p.code", []),
    ]


register("program catalogue", "anonymous", lambda s: reverse("programs:catalogue"),
         Admin(Program, ordering=("-year", "code")), _catalogue_sql)


# --- expert review ---------------------------------------------------------------------------------------------
from programs.procedure import procedure_for  # noqa: E402
from reviews.models import Assignment, Review, ReviewerProfile, ReviewRound  # noqa: E402
from reviews.scoring import TRIM_FROM  # noqa: E402
from reviews.views import RANKING_PAGE  # noqa: E402

AS = Assignment._meta.db_table
RV = Review._meta.db_table
RP = ReviewerProfile._meta.db_table
RR = ReviewRound._meta.db_table
REVIEWED = "('passed', 'approved', 'not_funded')"


def _aggregate_sql(method: str) -> str:
    """The track's aggregation of an application's submitted totals in SQL, rounded as ``scoring.q2`` rounds (the
    scores are positive: half up is half away from zero). ``* 1.0``: no integer division on SQLite."""
    mean = "AVG(r.total * 1.0)"
    if method == "trimmed_mean":
        mean = (f"CASE WHEN COUNT(*) >= {TRIM_FROM} THEN (SUM(r.total) - MIN(r.total) - MAX(r.total)) * 1.0 "
                f"/ (COUNT(*) - 2) ELSE {mean} END")
    return f"ROUND({mean}, 2)"


TIE_BREAK_SQL = {"matching_funds": "COALESCE(a.matching_funds, 0) DESC",
                 "requested_amount_low": "COALESCE(a.requested_amount, 0)"}


def _ranking_sql(s: Sample) -> list[Statement]:
    """The ranking's first page as a hand-written query would read it: the round's submitted reviews aggregated
    per application by the track's method in SQL, the track's reviewed applications ordered by that aggregate
    (unscored last), the guide's tie-breaks and the reference, cut to the page with LIMIT, then only the page's
    rows loaded with their title and organisation; and the count for the pagination."""
    procedure = procedure_for(Track.objects.get(pk=s.review_track_id))
    ties = "".join(f"{TIE_BREAK_SQL[t.key]}, " for t in procedure.tie_breaks if t.computed and t.key in TIE_BREAK_SQL)
    scored = (f"SELECT s.application_id, {_aggregate_sql(procedure.score_aggregation)} AS score "
              f"FROM {RV} r JOIN {AS} s ON s.id = r.assignment_id "
              f"WHERE s.round_id = %s AND r.state = 'submitted' AND s.state = 'accepted' GROUP BY s.application_id")
    where = f"WHERE a.track_id = %s AND a.status IN {REVIEWED}"
    # The reference last, in code point order as Python sorts it (whatever the database's collation).
    reference = 'a.reference COLLATE "C"' if connection.vendor == "postgresql" else "a.reference"
    order = "CASE WHEN {score} IS NULL THEN 1 ELSE 0 END, {score} DESC, " + ties + reference
    ranked = (f"SELECT a.id, a.reference, a.title, a.status, a.organisation_id, a.matching_funds, "
              f"a.requested_amount, sc.score FROM {A} a LEFT JOIN ({scored}) sc ON sc.application_id = a.id {where} "
              f"ORDER BY {order.format(score='sc.score')} LIMIT {RANKING_PAGE}")
    return [
        (f"SELECT COUNT(*) FROM {A} a {where}", [s.review_track_id]),
        (f"SELECT a.id, a.reference, a.title, a.status, o.name, a.score FROM ({ranked}) a "
         f"JOIN {O} o ON o.id = a.organisation_id ORDER BY {order.format(score='a.score')}",
         [s.review_round_id, s.review_track_id]),
    ]


def _round_sql(s: Sample) -> list[Statement]:
    """The round page as a hand-written query reads it: the count, the page's applications cut first (reference
    order, ROUND_PAGE_SIZE), then their assignments."""
    from reviews.round_views import ROUND_PAGE_SIZE

    where = f"FROM {A} a WHERE a.track_id = %s AND a.status IN {REVIEWED}"
    page = f"SELECT a.id {where} ORDER BY a.reference, a.id LIMIT {ROUND_PAGE_SIZE}"
    return [
        (f"SELECT COUNT(*) {where}", [s.review_track_id]),
        (f"SELECT a.id, a.reference, a.title, a.status, o.name FROM {A} a JOIN {O} o ON o.id = a.organisation_id "
         f"WHERE a.id IN ({page}) ORDER BY a.reference, a.id", [s.review_track_id]),
        (f"SELECT s.id, s.application_id, s.state, rp.name, r.state FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id "
         f"LEFT JOIN {RV} r ON r.assignment_id = s.id WHERE s.round_id = %s AND s.application_id IN ({page})",
         [s.review_round_id, s.review_track_id]),
    ]


def _reviewer_queue_sql(s: Sample, limit: int = 25) -> list[Statement]:
    where = (f"FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id "
             f"WHERE rp.user_id = %s AND s.state IN ('confirmed', 'accepted')")
    return [
        (f"SELECT COUNT(*) {where}", [s.reviewer.pk]),
        (f"SELECT s.id, s.state, a.reference, a.title, r.state, r.total "
         f"FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id JOIN {RR} rr ON rr.id = s.round_id "
         f"JOIN {A} a ON a.id = s.application_id LEFT JOIN {RV} r ON r.assignment_id = s.id "
         f"WHERE rp.user_id = %s AND s.state IN ('confirmed', 'accepted') "
         f"ORDER BY rr.created_at DESC, a.reference, s.id LIMIT {limit}", [s.reviewer.pk]),
    ]


def _overview_sql(s: Sample) -> list[Statement]:
    where = f"FROM {T} t JOIN {RR} rr ON rr.track_id = t.id"
    return [
        (f"SELECT COUNT(*) {where}", []),
        (f"SELECT t.id, t.code, t.title, rr.state, (SELECT COUNT(*) FROM {A} a WHERE a.track_id = t.id "
         f"AND a.status = 'passed') {where} JOIN {P} p ON p.id = t.program_id ORDER BY p.code, t.position LIMIT 25",
         []),
    ]


def _pool_sql(s: Sample) -> list[Statement]:
    return [(f"SELECT COUNT(*) FROM {RP}", []),
            (f"SELECT rp.id, rp.name, rp.affiliation_name, rp.title, rp.load_limit, rp.active FROM {RP} rp "
             f"ORDER BY rp.name, rp.id LIMIT 50", [])]


def _round_admin_query(s: Sample, ids: list) -> str:
    return f"round__id__exact={s.review_round_id}&id__in={id_list(ids)}"


def _assignment_ids(context) -> list:
    return [a.pk for row in context["rows"] for a in row.assignments]


MOST_REVIEWERS = 5  # per application in the guides' procedures (and the seeded rounds)
# The round page is cut by application (25 a page, reviews.round_views.ROUND_PAGE_SIZE), each with its reviewers: the
# rows compared with the admin changelist of assignments (the reference) are the page's assignments.
ROUND_PAGINATED = Goal(f"paginated (25 applications a page, ≤ {25 * MOST_REVIEWERS} assignments), ≤ 1.0× admin",
                       lambda row: None if row.get("x_admin") is None
                       else row["rows"] <= 25 * MOST_REVIEWERS and row["x_admin"] <= 1.0)


register("expert-review ranking", "officer", lambda s: reverse("reviews:ranking", args=[s.review_track_id]),
         Admin(Application, lambda s, ids: f"track__id__exact={s.review_track_id}&status__in=passed,approved,"
                                           f"not_funded&id__in={id_list(ids)}"),
         _ranking_sql, ids=lambda c: [r.application.pk for r in c["rows"]], goal=PAGINATED, tags={"reviews"})
register("expert-review assignment page", "officer", lambda s: reverse("reviews:round", args=[s.review_track_id]),
         Admin(Assignment, _round_admin_query), _round_sql, ids=_assignment_ids, goal=ROUND_PAGINATED,
         tags={"reviews"})
register("expert-review overview", "officer", lambda s: reverse("reviews:overview"),
         Admin(Track, lambda s, ids: "review_round__isnull=False", ("program__code", "position")), _overview_sql,
         tags={"reviews"})
register("expert pool", "officer", lambda s: reverse("reviews:pool"),
         Admin(ReviewerProfile, ordering=("name", "pk")), _pool_sql, tags={"reviews"})


def _scoped_pool_sql(s: Sample) -> list[Statement]:
    """The experts an officer of two offices draws on: the shared pool, its offices' and those above them."""
    drawn = (f"rp.office_id IS NULL OR rp.office_id IN ({MEMBER_OFFICES}) OR rp.office_id IN (SELECT o.parent_id "
             f"FROM offices_office o WHERE o.code IN ({MEMBER_OFFICES})) OR rp.office_id IN (SELECT g.parent_id "
             f"FROM offices_office g JOIN offices_office o ON o.parent_id = g.code WHERE o.code IN ({MEMBER_OFFICES}))")
    user = [s.scoped_officer.pk] * 3
    return [(f"SELECT COUNT(*) FROM {RP} rp WHERE {drawn}", user),
            (f"SELECT rp.id, rp.name, rp.affiliation_name, rp.title, rp.load_limit, rp.active FROM {RP} rp "
             f"WHERE {drawn} ORDER BY rp.name, rp.id LIMIT 50", user)]


register("expert pool (officer of two offices)", "scoped_officer", lambda s: reverse("reviews:pool"),
         Admin(ReviewerProfile, lambda s, ids: f"id__in={id_list(ids)}", ("name", "pk")), _scoped_pool_sql,
         tags={"reviews", "offices"})
REVIEWER_ADMIN = Admin(Assignment, lambda s, ids: f"reviewer__id__exact={s.reviewer_profile_id}"
                                                  f"&state__in=confirmed,accepted",
                       ("-round__created_at", "application__reference", "pk"))
register("reviewer queue", "reviewer", lambda s: reverse("reviews:queue"), REVIEWER_ADMIN, _reviewer_queue_sql,
         tags={"reviews"})


# --- projects and money ----------------------------------------------------------------------------------------
from milestones.models import KpiReport, Project, ProjectTranche  # noqa: E402

PJ = Project._meta.db_table
PT = ProjectTranche._meta.db_table
KR = KpiReport._meta.db_table


MONEY_STATES = {"planned": ("planned",), "due": ("due", "requested"), "released": ("released",)}  # as the pages sum


def _in(states: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{state}'" for state in states) + ")"


def _money(alias: str = "pj") -> str:
    return ", ".join(
        f"(SELECT COALESCE(SUM(x.amount), 0) FROM {PT} x WHERE x.project_id = {alias}.id AND x.state IN {_in(states)})"
        for states in MONEY_STATES.values())


def _projects_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {PJ}", []),
        (f"SELECT pj.id, pj.award, pj.state, a.reference, a.title, o.name, {_money()} "
         f"FROM (SELECT id FROM {PJ} ORDER BY created_at DESC, id LIMIT 20) cut JOIN {PJ} pj ON pj.id = cut.id "
         f"JOIN {A} a ON a.id = pj.application_id JOIN {O} o ON o.id = a.organisation_id "
         f"ORDER BY pj.created_at DESC, pj.id", []),
    ]


def _scoped_projects_sql(s: Sample) -> list[Statement]:
    where, params = office_where(s)
    scoped = f"SELECT pj.id FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id WHERE TRUE {where}"
    return [
        (f"SELECT COUNT(*) FROM ({scoped}) s", params),
        (f"SELECT pj.id, pj.award, pj.state, a.reference, a.title, o.name, {_money()} "
         f"FROM (SELECT pj.id FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id WHERE TRUE {where} "
         f"ORDER BY pj.created_at DESC, pj.id LIMIT 20) cut JOIN {PJ} pj ON pj.id = cut.id "
         f"JOIN {A} a ON a.id = pj.application_id JOIN {O} o ON o.id = a.organisation_id "
         f"ORDER BY pj.created_at DESC, pj.id", params),
    ]


LEDGER_ORDER_SQL = "t.position, a.reference"


def _program_page_sql(s: Sample, columns: str = "", joins: str = "", group: bool = False) -> Statement:
    """One page (50) of a program's projects in ledger order, as the ledger and completion pages read it: the page
    cut on the projects' ids first (ordered by track and reference: the covering index), then only those 50 rows
    with what they show (``columns`` from ``joins``; ``group``: summed per project)."""
    cut = (f"SELECT pj.id FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id JOIN {T} t ON t.id = a.track_id "
           f"WHERE t.program_id = %s ORDER BY {LEDGER_ORDER_SQL} LIMIT 50")
    shown = "p.id, p.award, p.state, a.reference, a.title, t.code, t.position, o.name"
    grouped = f" GROUP BY {shown}" if group else ""
    return (f"SELECT {shown}{columns} FROM ({cut}) cut JOIN {PJ} p ON p.id = cut.id "
            f"JOIN {A} a ON a.id = p.application_id JOIN {T} t ON t.id = a.track_id "
            f"JOIN {O} o ON o.id = a.organisation_id {joins}{grouped} ORDER BY {LEDGER_ORDER_SQL}",
            [s.project_program_id])


def _ledger_sql(s: Sample) -> list[Statement]:
    """The totals per track (with the number of projects, which the pagination uses: no count of its own), then
    the page's rows with their tranches summed."""
    sums = ", ".join(f"COALESCE(SUM(CASE WHEN x.state IN {_in(states)} THEN x.amount END), 0)"
                     for states in MONEY_STATES.values())
    return [
        (f"SELECT t.code, t.title, t.position, COUNT(DISTINCT x.project_id), {sums}, COALESCE(SUM(x.amount), 0) "
         f"FROM {PT} x JOIN {PJ} pj ON pj.id = x.project_id JOIN {A} a ON a.id = pj.application_id "
         f"JOIN {T} t ON t.id = a.track_id WHERE t.program_id = %s GROUP BY t.code, t.title, t.position "
         f"ORDER BY t.position", [s.project_program_id]),
        _program_page_sql(s, ", " + sums, f"LEFT JOIN {PT} x ON x.project_id = p.id", group=True),
    ]


def _completion_sql(s: Sample) -> list[Statement]:
    """The count, the page's rows (cut on ids first), then the submitted and accepted reports of those projects by
    their ids (as the page reads them, a hand-written page would too: the ids are those the rows statement
    returns, read here once beforehand) with the completion stored when each was submitted or accepted."""
    where = (f"FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id JOIN {T} t ON t.id = a.track_id "
             f"WHERE t.program_id = %s")
    rows = _program_page_sql(s)
    with connection.cursor() as cursor:
        cursor.execute(*rows)
        ids = [row[0] for row in cursor.fetchall()]
    return [
        (f"SELECT COUNT(*) {where}", [s.project_program_id]),
        rows,
        (f"SELECT r.id, r.project_id, r.seq, r.kind, r.state, r.accepted_at, r.completion_percent, r.kpi_satisfied, "
         f"r.kpi_requirements FROM {KR} r WHERE r.project_id IN ({id_list(ids)}) "
         f"AND r.state IN ('submitted', 'accepted')", []),
    ]


def _report_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT pj.id, a.reference, a.title, a.track_id FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id "
         f"WHERE pj.id = %s", [s.project_id]),
        (f"SELECT id, state, due_on FROM {KR} WHERE id = %s AND project_id = %s", [s.report_id, s.project_id]),
    ]


PROGRAM_PROJECTS = Admin(Project, lambda s, ids: f"application__track__program__id__exact={s.project_program_id}",
                         ("application__track__position", "application__reference"))
register("project list", "officer", lambda s: reverse("milestones:projects"),
         Admin(Project, ordering=("-created_at", "pk")), _projects_sql, tags={"projects"})
register("project list (officer of two offices)", "scoped_officer", lambda s: reverse("milestones:projects"),
         Admin(Project, lambda s, ids: f"application__track__program__id__in={_scoped_programs(s)}",
               ("-created_at", "pk")), _scoped_projects_sql, tags={"projects", "offices"})
register("fund ledger", "officer", lambda s: reverse("milestones:ledger", args=[s.project_program_id]),
         PROGRAM_PROJECTS, _ledger_sql, tags={"projects"})
register("KPI report page", "officer", lambda s: reverse("milestones:report", args=[s.project_id, s.report_id]),
         Admin(Project, change=True), _report_sql, ids=object_of("project"), raw_rows=0, tags={"projects"})


def _fund_plan_sql(s: Sample) -> list[Statement]:
    return [(f"SELECT code, title, budget FROM {T} WHERE program_id = %s AND budget IS NOT NULL "
             f"ORDER BY position", [s.budget_program_id])]


register("fund plan", "officer", lambda s: reverse("milestones:fund_plan", args=[s.budget_program_id]),
         Admin(Track, lambda s, ids: f"program__id__exact={s.budget_program_id}&budget__isnull=False",
               ("position", "pk"), key="code"),
         _fund_plan_sql, ids=lambda c: [r.code for r in c["rows"]], tags={"projects"})
register("KPI completion by program", "officer",
         lambda s: reverse("milestones:completion", args=[s.project_program_id]), PROGRAM_PROJECTS,
         _completion_sql, raw_rows=1, tags={"projects"})


# --- dashboards, inbox, audit log --------------------------------------------------------------------------------
from django.contrib.contenttypes.models import ContentType  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from dashboards.views import AUDIT_PAGES_AHEAD  # noqa: E402
from notifications.models import Notification  # noqa: E402

US = User._meta.db_table
AE = AuditEvent._meta.db_table
NT = Notification._meta.db_table
CT = ContentType._meta.db_table
AUDIT_PAGE = 25  # the audit log's page size (dashboards.views.admin)


def _officer_dashboard_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT t.program_id, a.status, COUNT(*) FROM {A} a JOIN {T} t ON t.id = a.track_id "
         f"GROUP BY t.program_id, a.status", []),
    ]


def _audit_sql(where: str = "", params: list | None = None) -> list[Statement]:
    """As the page reads the log: a count that stops ``AUDIT_PAGES_AHEAD`` pages past the first, then the first
    page cut on the events' ids (newest first) and only those events with their actor and object type."""
    params = params or []
    ahead = (1 + AUDIT_PAGES_AHEAD) * AUDIT_PAGE + 1
    order = "e.at DESC, e.id DESC"
    return [
        (f"SELECT COUNT(*) FROM (SELECT e.id FROM {AE} e {where} LIMIT {ahead}) ahead", params),
        (f"SELECT e.id, e.at, e.action, e.object_id, e.from_state, e.to_state, e.reason, ct.app_label, ct.model, "
         f"u.username, u.full_name FROM (SELECT e.id FROM {AE} e {where} ORDER BY {order} LIMIT {AUDIT_PAGE}) cut "
         f"JOIN {AE} e ON e.id = cut.id JOIN {CT} ct ON ct.id = e.content_type_id "
         f"LEFT JOIN {US} u ON u.id = e.actor_id ORDER BY {order}", params),
    ]


def _inbox_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {NT} WHERE recipient_id = %s", [s.reviewer.pk]),
        (f'SELECT id, kind, "values", link, created_at, read_at FROM {NT} '
         f" WHERE recipient_id = %s "
         f"ORDER BY created_at DESC, id DESC LIMIT 20", [s.reviewer.pk]),
    ]


AUDIT_ORDER = ("-at", "-pk")
register("applicant dashboard", "applicant", lambda s: reverse("dashboards:applicant"), MINE_ADMIN, _mine_sql,
         tags={"dashboards"})
register("reviewer dashboard", "reviewer", lambda s: reverse("dashboards:reviewer"), REVIEWER_ADMIN,
         lambda s: _reviewer_queue_sql(s, 10), ids=lambda c: [a.pk for a, _step in c["assignments"]],
         tags={"dashboards"})
register("officer dashboard", "officer", lambda s: reverse("dashboards:officer"), None, _officer_dashboard_sql,
         ids=None, goal=FLAT, tags={"dashboards"})
register("admin dashboard", "admin", lambda s: reverse("dashboards:admin"), Admin(AuditEvent, ordering=AUDIT_ORDER),
         lambda s: _audit_sql(), tags={"dashboards"})
register("audit log by actor", "admin", lambda s: reverse("dashboards:admin") + f"?actor={s.officer.username}",
         Admin(AuditEvent, lambda s, ids: f"actor__id__exact={s.officer.pk}", AUDIT_ORDER),
         lambda s: _audit_sql(f"WHERE e.actor_id = (SELECT id FROM {US} WHERE username = %s)", [s.officer.username]),
         goal=FAST_QUERY, goal_tables=(AE,), tags={"dashboards"})
register("inbox", "reviewer", lambda s: reverse("notifications:inbox"),
         Admin(Notification, lambda s, ids: f"recipient__id__exact={s.reviewer.pk}", ("-created_at", "-pk")),
         _inbox_sql, tags={"dashboards"})
