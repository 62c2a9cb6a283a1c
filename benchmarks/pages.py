"""The pages the benchmark times: one ``register(...)`` line each.

Each page names who opens it, its URL, the Django admin changelist (or change form) over the same rows, and a
hand-written SQL query returning the same rows (the figure a page's SQL time is held against). Later features
(expert-review ranking, fund ledger, dashboards) add their pages here.

URLs and SQL are functions of a ``Sample`` (ids, a search term and a page number picked from the seeded data),
so the same registry runs at 40 applications in the test suite and at 10,000 or a million on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from applications.models import Application, ApplicationVersion, MaterialUpload
from organisations.models import Membership, Organisation, Region
from organisations.uscc import normalise_uscc
from programs.models import Material, Program, Track

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
    review_track_id: int | None = None  # the track with the seeded review round
    review_round_id: int | None = None
    reviewer: object = None  # the seeded reviewer with the most assignments
    reviewer_profile_id: int | None = None
    project_id: int | None = None  # a seeded project, in the program with the most projects
    project_program_id: int | None = None
    report_id: int | None = None


@dataclass
class Page:
    name: str
    user: str  # "officer", "applicant", "reviewer", "admin" or "anonymous"
    url: Callable[[Sample], str]
    admin_url: Callable[[Sample], str] | None = None
    raw_sql: Callable[[Sample], list[Statement]] | None = None
    tags: set[str] = field(default_factory=set)


PAGES: list[Page] = []


def register(name: str, user: str, url, admin_url=None, raw_sql=None, tags=()) -> None:
    PAGES.append(Page(name, user, url, admin_url, raw_sql, set(tags)))


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

ADMIN_APPLICATIONS = "/admin/applications/application/"


def _queue_sql(where: str = "", params: list | None = None, offset: int = 0) -> list[Statement]:
    params = params or []
    base = f"FROM {A} a WHERE a.submitted_at IS NOT NULL {where}"
    rows = f"""
        SELECT a.id, a.reference, a.title, a.requested_amount, a.status, a.verdict_overall, a.submitted_at,
               t.code, t.title, p.title, o.name, o.uscc,
               (SELECT COUNT(*) FROM {M} m WHERE m.track_id = a.track_id AND m.required = %s),
               (SELECT COUNT(*) FROM {U} u WHERE u.application_id = a.id)
        FROM {A} a JOIN {T} t ON t.id = a.track_id JOIN {P} p ON p.id = t.program_id
             JOIN {O} o ON o.id = a.organisation_id
        WHERE a.submitted_at IS NOT NULL {where}
        ORDER BY a.submitted_at DESC NULLS LAST, a.id DESC LIMIT {QUEUE_PAGE} OFFSET {offset}"""
    return [(f"SELECT COUNT(*) {base}", params), (rows, [True, *params])]


def _search_where(term: str) -> tuple[str, list]:
    like = f"%{term}%"
    where = (f"AND (UPPER(a.reference) LIKE UPPER(%s) OR UPPER(a.title) LIKE UPPER(%s) OR a.organisation_id IN "
             f"(SELECT id FROM {O} WHERE UPPER(name) LIKE UPPER(%s) OR uscc LIKE %s))")
    return where, [like, like, like, f"%{normalise_uscc(term)}%"]


def _queue(query: str = "") -> Callable[[Sample], str]:
    return lambda s: reverse("applications:officer_queue") + query.format(s=s)


def _admin_queue(query: str = "") -> Callable[[Sample], str]:
    return lambda s: ADMIN_APPLICATIONS + "?submitted_at__isnull=False" + query.format(s=s)


register(
    "queue page 1", "officer", _queue(), _admin_queue(), lambda s: _queue_sql(), tags={"queue"},
)
register(
    "queue deep page", "officer", _queue("?page={s.deep_page}"), _admin_queue("&p={s.deep_page}"),
    lambda s: _queue_sql(offset=(s.deep_page - 1) * QUEUE_PAGE), tags={"queue"},
)
register(
    "queue search title", "officer", _queue("?q={s.term}"), _admin_queue("&q={s.term}"),
    lambda s: _queue_sql(*_search_where(s.term)), tags={"queue"},
)
register(
    "queue search USCC", "officer", _queue("?q={s.uscc_fragment}"), _admin_queue("&q={s.uscc_fragment}"),
    lambda s: _queue_sql(*_search_where(s.uscc_fragment)), tags={"queue"},
)
register(
    "queue track filter", "officer", _queue("?track={s.track_id}"), _admin_queue("&track__id__exact={s.track_id}"),
    lambda s: _queue_sql("AND a.track_id = %s", [s.track_id]), tags={"queue"},
)
register(
    "queue deep search", "officer", _queue("?q={s.term}&page=3"), _admin_queue("&q={s.term}&p=3"),
    lambda s: _queue_sql(*_search_where(s.term), offset=2 * QUEUE_PAGE), tags={"queue"},
)


def _application_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT a.*, t.title, p.title, o.name FROM {A} a JOIN {T} t ON t.id = a.track_id "
         f"JOIN {P} p ON p.id = t.program_id JOIN {O} o ON o.id = a.organisation_id WHERE a.id = %s",
         [s.application_id]),
        (f"SELECT * FROM {U} WHERE application_id = %s", [s.application_id]),
        (f"SELECT * FROM {V} WHERE application_id = %s ORDER BY number", [s.application_id]),
    ]


register(
    "application page (officer)", "officer", lambda s: reverse("applications:detail", args=[s.application_id]),
    lambda s: f"{ADMIN_APPLICATIONS}{s.application_id}/change/", _application_sql,
)


def _mine_sql(s: Sample) -> list[Statement]:
    where = f"FROM {A} a JOIN {MS} ms ON ms.organisation_id = a.organisation_id WHERE ms.user_id = %s"
    return [
        (f"SELECT COUNT(*) {where}", [s.applicant.pk]),
        (f"SELECT a.id, a.reference, a.title, a.status, a.updated_at, t.code, t.title, p.title, o.name "
         f"FROM {A} a JOIN {MS} ms ON ms.organisation_id = a.organisation_id JOIN {T} t ON t.id = a.track_id "
         f"JOIN {P} p ON p.id = t.program_id JOIN {O} o ON o.id = a.organisation_id WHERE ms.user_id = %s "
         f"ORDER BY a.updated_at DESC, a.id DESC LIMIT 20", [s.applicant.pk]),
    ]


register(
    "my applications", "applicant", lambda s: reverse("applications:mine"),
    lambda s: f"{ADMIN_APPLICATIONS}?organisation__id__exact={s.organisation_id}", _mine_sql,
)


def _organisations_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {O}", []),
        (f"SELECT o.*, r.name, r1.name, r2.name FROM {O} o JOIN {R} r ON r.code = o.region_id "
         f"LEFT JOIN {R} r1 ON r1.code = r.parent_id LEFT JOIN {R} r2 ON r2.code = r1.parent_id "
         f"ORDER BY o.name, o.id LIMIT 20", []),
    ]


register(
    "organisations (officer)", "officer", lambda s: reverse("organisations:list"),
    lambda s: "/admin/organisations/organisation/", _organisations_sql,
)


def _catalogue_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {P}", []),
        (f"SELECT p.*, (SELECT COUNT(*) FROM {T} t WHERE t.program_id = p.id) FROM {P} p "
         f"ORDER BY p.year DESC, p.code LIMIT 20", []),
    ]


register(
    "program catalogue", "anonymous", lambda s: reverse("programs:catalogue"),
    lambda s: "/admin/programs/program/", _catalogue_sql,
)


# --- expert review ---------------------------------------------------------------------------------------------
from reviews.models import Assignment, Review, ReviewerProfile, ReviewRound  # noqa: E402

AS = Assignment._meta.db_table
RV = Review._meta.db_table
RP = ReviewerProfile._meta.db_table
RR = ReviewRound._meta.db_table


def _ranking_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT rr.*, t.title, p.title FROM {RR} rr JOIN {T} t ON t.id = rr.track_id "
         f"JOIN {P} p ON p.id = t.program_id WHERE rr.track_id = %s", [s.review_track_id]),
        (f"SELECT a.id, a.reference, a.title, a.status, a.matching_funds, a.requested_amount, o.name, o.uscc "
         f"FROM {A} a JOIN {O} o ON o.id = a.organisation_id WHERE a.track_id = %s AND a.status IN "
         f"('passed', 'approved', 'not_funded')", [s.review_track_id]),
        (f"SELECT s.application_id, s.reviewer_id, r.total FROM {RV} r JOIN {AS} s ON s.id = r.assignment_id "
         f"WHERE s.round_id = %s AND r.state = 'submitted' AND s.state = 'accepted'", [s.review_round_id]),
    ]


def _assignment_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT a.id, a.reference, a.title, a.status, o.name FROM {A} a JOIN {O} o ON o.id = a.organisation_id "
         f"WHERE a.track_id = %s AND a.status IN ('passed', 'approved', 'not_funded') ORDER BY a.reference",
         [s.review_track_id]),
        (f"SELECT s.*, rp.name, r.state, r.total FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id "
         f"LEFT JOIN {RV} r ON r.assignment_id = s.id WHERE s.round_id = %s ORDER BY s.id", [s.review_round_id]),
        (f"SELECT rp.*, (SELECT COUNT(*) FROM {AS} s WHERE s.reviewer_id = rp.id AND s.round_id = %s) FROM {RP} rp "
         f"ORDER BY rp.name, rp.id", [s.review_round_id]),
    ]


def _reviewer_queue_sql(s: Sample) -> list[Statement]:
    where = (f"FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id WHERE rp.user_id = %s "
             f"AND s.state IN ('confirmed', 'accepted')")
    return [
        (f"SELECT COUNT(*) {where}", [s.reviewer.pk]),
        (f"SELECT s.id, s.state, a.reference, a.title, t.code, t.title, p.title, r.state, r.total "
         f"FROM {AS} s JOIN {RP} rp ON rp.id = s.reviewer_id JOIN {A} a ON a.id = s.application_id "
         f"JOIN {RR} rr ON rr.id = s.round_id JOIN {T} t ON t.id = rr.track_id JOIN {P} p ON p.id = t.program_id "
         f"LEFT JOIN {RV} r ON r.assignment_id = s.id WHERE rp.user_id = %s AND s.state IN ('confirmed', 'accepted') "
         f"ORDER BY rr.created_at DESC, a.reference, s.id LIMIT 25", [s.reviewer.pk]),
    ]


register(
    "expert-review ranking", "officer", lambda s: reverse("reviews:ranking", args=[s.review_track_id]),
    lambda s: f"/admin/reviews/review/?assignment__round__id__exact={s.review_round_id}", _ranking_sql,
    tags={"reviews"},
)
register(
    "expert-review assignment page", "officer", lambda s: reverse("reviews:round", args=[s.review_track_id]),
    lambda s: f"/admin/reviews/assignment/?round__id__exact={s.review_round_id}", _assignment_sql,
    tags={"reviews"},
)
register(
    "reviewer queue", "reviewer", lambda s: reverse("reviews:queue"),
    lambda s: f"/admin/reviews/assignment/?reviewer__id__exact={s.reviewer_profile_id}", _reviewer_queue_sql,
    tags={"reviews"},
)


# --- projects and money ----------------------------------------------------------------------------------------
from milestones.models import KpiReport, Project, ProjectTranche  # noqa: E402

PJ = Project._meta.db_table
PT = ProjectTranche._meta.db_table
KR = KpiReport._meta.db_table


def _money(alias: str = "pj") -> str:
    return ", ".join(
        f"(SELECT COALESCE(SUM(x.amount), 0) FROM {PT} x WHERE x.project_id = {alias}.id AND x.state = '{state}')"
        for state in ("planned", "due", "released"))


def _projects_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT COUNT(*) FROM {PJ}", []),
        (f"SELECT pj.*, a.reference, a.title, o.name, t.code, p.title, {_money()} FROM {PJ} pj "
         f"JOIN {A} a ON a.id = pj.application_id JOIN {O} o ON o.id = a.organisation_id "
         f"JOIN {T} t ON t.id = a.track_id JOIN {P} p ON p.id = t.program_id "
         f"ORDER BY pj.created_at DESC, pj.id LIMIT 20", []),
    ]


def _ledger_sql(s: Sample) -> list[Statement]:
    where = f"JOIN {A} a ON a.id = pj.application_id JOIN {T} t ON t.id = a.track_id WHERE t.program_id = %s"
    sums = ", ".join(f"COALESCE(SUM(CASE WHEN x.state = '{state}' THEN x.amount END), 0)"
                     for state in ("planned", "due", "released"))
    return [
        (f"SELECT t.code, t.title, {sums}, SUM(x.amount) FROM {PT} x JOIN {PJ} pj ON pj.id = x.project_id {where} "
         f"GROUP BY t.code, t.title, t.position ORDER BY t.position", [s.project_program_id]),
        (f"SELECT {sums}, SUM(x.amount) FROM {PT} x JOIN {PJ} pj ON pj.id = x.project_id {where}",
         [s.project_program_id]),
        (f"SELECT COUNT(*) FROM {PJ} pj {where}", [s.project_program_id]),
        (f"SELECT pj.*, a.reference, a.title, o.name, t.code, {_money()} FROM {PJ} pj "
         f"JOIN {A} a ON a.id = pj.application_id JOIN {O} o ON o.id = a.organisation_id "
         f"JOIN {T} t ON t.id = a.track_id WHERE t.program_id = %s ORDER BY t.position, a.reference LIMIT 50",
         [s.project_program_id]),
    ]


def _report_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT pj.*, a.*, o.name, t.* FROM {PJ} pj JOIN {A} a ON a.id = pj.application_id "
         f"JOIN {O} o ON o.id = a.organisation_id JOIN {T} t ON t.id = a.track_id WHERE pj.id = %s", [s.project_id]),
        (f"SELECT * FROM {KR} WHERE id = %s AND project_id = %s", [s.report_id, s.project_id]),
        (f"SELECT k.* FROM programs_kpi k JOIN {A} a ON a.track_id = k.track_id JOIN {PJ} pj "
         f"ON pj.application_id = a.id WHERE pj.id = %s ORDER BY k.seq", [s.project_id]),
        (f"SELECT v.snapshot FROM {V} v JOIN {PJ} pj ON pj.application_id = v.application_id WHERE pj.id = %s "
         f"ORDER BY v.number DESC LIMIT 1", [s.project_id]),
    ]


register("project list", "officer", lambda s: reverse("milestones:projects"),
         lambda s: "/admin/milestones/project/", _projects_sql, tags={"projects"})
register("fund ledger", "officer", lambda s: reverse("milestones:ledger", args=[s.project_program_id]),
         lambda s: "/admin/milestones/project/", _ledger_sql, tags={"projects"})
register("KPI report page", "officer", lambda s: reverse("milestones:report", args=[s.project_id, s.report_id]),
         lambda s: f"/admin/milestones/project/{s.project_id}/change/", _report_sql, tags={"projects"})


def _fund_plan_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT * FROM {P} WHERE id = %s", [s.project_program_id]),
        (f"SELECT * FROM {T} WHERE program_id = %s AND budget IS NOT NULL ORDER BY position", [s.project_program_id]),
        (f"SELECT tr.* FROM programs_tranche tr JOIN {T} t ON t.id = tr.track_id WHERE t.program_id = %s",
         [s.project_program_id]),
    ]


def _completion_sql(s: Sample) -> list[Statement]:
    return _ledger_sql(s)[2:] + [
        (f"SELECT r.* FROM {KR} r JOIN {PJ} pj ON pj.id = r.project_id JOIN {A} a ON a.id = pj.application_id "
         f"JOIN {T} t ON t.id = a.track_id WHERE t.program_id = %s AND r.state IN ('submitted', 'accepted') "
         f"ORDER BY r.project_id, r.seq DESC", [s.project_program_id]),
    ]


register("fund plan", "officer", lambda s: reverse("milestones:fund_plan", args=[s.project_program_id]),
         lambda s: "/admin/programs/track/", _fund_plan_sql, tags={"projects"})
register("KPI completion by program", "officer",
         lambda s: reverse("milestones:completion", args=[s.project_program_id]),
         lambda s: "/admin/milestones/project/", _completion_sql, tags={"projects"})


# --- dashboards ------------------------------------------------------------------------------------------------
from accounts.models import User  # noqa: E402
from audit.models import AuditEvent  # noqa: E402

US = User._meta.db_table
AE = AuditEvent._meta.db_table


def _officer_dashboard_sql(s: Sample) -> list[Statement]:
    states = ("submitted", "returned", "passed", "refused", "withdrawn")
    counts = ", ".join(f"COUNT(*) FILTER (WHERE a.status = '{state}')" for state in states)
    return [
        (f"SELECT {counts} FROM {A} a WHERE a.submitted_at IS NOT NULL", []),
        (f"SELECT t.program_id, a.status, COUNT(*) FROM {A} a JOIN {T} t ON t.id = a.track_id "
         f"GROUP BY t.program_id, a.status", []),
        (f"SELECT id, title, short_title, year, code FROM {P} WHERE archived_at IS NULL ORDER BY year DESC, code", []),
    ]


def _admin_dashboard_sql(s: Sample) -> list[Statement]:
    return [
        (f"SELECT p.*, (SELECT COUNT(*) FROM {T} t WHERE t.program_id = p.id) FROM {P} p "
         f"ORDER BY p.year DESC, p.code", []),
        (f"SELECT role, COUNT(*) FROM {US} WHERE is_active GROUP BY role", []),
        (f"SELECT COUNT(*) FROM {AE}", []),
        (f"SELECT e.*, u.username FROM {AE} e LEFT JOIN {US} u ON u.id = e.actor_id "
         f"ORDER BY e.at DESC, e.id DESC LIMIT 25", []),
    ]


register("applicant dashboard", "applicant", lambda s: reverse("dashboards:applicant"),
         lambda s: f"{ADMIN_APPLICATIONS}?organisation__id__exact={s.organisation_id}", _mine_sql,
         tags={"dashboards"})
register("reviewer dashboard", "reviewer", lambda s: reverse("dashboards:reviewer"),
         lambda s: f"/admin/reviews/assignment/?reviewer__id__exact={s.reviewer_profile_id}", _reviewer_queue_sql,
         tags={"dashboards"})
register("officer dashboard", "officer", lambda s: reverse("dashboards:officer"),
         lambda s: ADMIN_APPLICATIONS, _officer_dashboard_sql, tags={"dashboards"})
register("admin dashboard", "admin", lambda s: reverse("dashboards:admin"),
         lambda s: "/admin/audit/auditevent/", _admin_dashboard_sql, tags={"dashboards"})
