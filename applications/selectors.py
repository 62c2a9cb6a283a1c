"""Who may see which application, and the reads behind each page."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from audit.selectors import history_for
from ipgrants.counts import count_of
from organisations.models import Organisation
from organisations.uscc import normalise_uscc
from programs.models import Track

from .models import Application, ApplicationVersion, MaterialUpload, Status


def submitted_applications() -> QuerySet[Application]:
    """Applications submitted at least once: all an officer ever sees (never-submitted drafts, withdrawn or not,
    stay the applicant's)."""
    return Application.objects.filter(submitted_at__isnull=False)


def applications_visible_to(user) -> QuerySet[Application]:
    """Members see their organisations' applications; officers see all submitted ones; others nothing."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_officer:
        return submitted_applications()
    if user.is_applicant:
        return Application.objects.filter(organisation__memberships__user=user)
    return Application.objects.none()


def application_for(user, pk: int) -> Application:
    """The application, or 404 for one that does not exist or that the user may not see."""
    application = (
        applications_visible_to(user)
        .select_related("track", "track__program", "organisation", "organisation__region", "created_by")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def application_for_member(user, pk: int) -> Application:
    """The application for its organisation's members only (the applicant's own work pages); 404 otherwise."""
    if not (user.is_authenticated and user.is_applicant):
        raise Http404
    return application_for(user, pk)  # applicants see only their organisations' applications


def my_applications(user) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .select_related("track", "track__program", "organisation")
        .order_by("-updated_at")
    )


# The queue's sort keys; nulls placed explicitly so SQLite and PostgreSQL give the same order, and the
# primary key last so equal values keep a stable order across pages.
QUEUE_ORDERINGS = {
    "-submitted": (F("submitted_at").desc(nulls_last=True), F("pk").desc()),
    "submitted": (F("submitted_at").asc(nulls_last=True), F("pk").asc()),
    "reference": (F("reference").asc(),),
    "organisation": (F("organisation__name").asc(), F("pk").asc()),
    "-amount": (F("requested_amount").desc(nulls_last=True), F("pk").desc()),
    "amount": (F("requested_amount").asc(nulls_last=True), F("pk").asc()),
}
QUEUE_DEFAULT_ORDER = "-submitted"


def officer_queue() -> QuerySet[Application]:
    """The rows of the formal-review queue, cut on ids first (``officer_queue_rows`` loads the page)."""
    return submitted_applications().order_by(*QUEUE_ORDERINGS[QUEUE_DEFAULT_ORDER])


# Up to this many organisations matching a search are passed to the application query as ids, so PostgreSQL
# combines the trigram indexes and the organisation index (BitmapOr); a broader term falls back to a subquery.
SEARCH_ORGANISATION_IDS = 500


def queue_search(queryset: QuerySet[Application], term: str) -> QuerySet[Application]:
    """Reference, title, organisation name or credit code containing the term (case-insensitive). Each column
    has a trigram index on PostgreSQL; nothing is joined before the page is cut."""
    term = term.strip()
    if not term:
        return queryset
    code = normalise_uscc(term)
    organisations = Organisation.objects.filter(Q(name__icontains=term) | Q(uscc__contains=code)).values_list(
        "pk", flat=True
    )
    ids = list(organisations[: SEARCH_ORGANISATION_IDS + 1])
    by_organisation = Q(organisation_id__in=ids if len(ids) <= SEARCH_ORGANISATION_IDS else organisations)
    return queryset.filter(Q(reference__icontains=term) | Q(title__icontains=term) | by_organisation)


def officer_queue_rows(ids) -> QuerySet[Application]:
    """The queue page's rows with their organisation, and their counts as subqueries over these rows only. ``ids``
    is the page's cut (a sliced id query, run as a subquery of this one, or a list). Tracks, their programs and
    required-material counts are not joined: ``with_queue_tracks`` takes them from the filter's track list."""
    uploaded = MaterialUpload.objects.filter(application=OuterRef("pk"))
    # A second application by the same organisation to the same track (withdrawn ones aside).
    sibling = (
        submitted_applications().filter(track=OuterRef("track_id"), organisation=OuterRef("organisation_id"))
        .exclude(pk=OuterRef("pk")).exclude(status=Status.WITHDRAWN)
    )
    return (
        Application.objects.filter(pk__in=ids)
        .select_related("organisation")
        .only(*QUEUE_ROW_FIELDS)
        .annotate(uploaded_count=count_of(uploaded), has_sibling=Exists(sibling.values("pk")))
    )


# The columns the queue shows (the wide ones, draft, verdict and comments, are never read).
QUEUE_ROW_FIELDS = (
    "reference", "title", "requested_amount", "status", "verdict_overall", "submitted_at", "track_id",
    "organisation_id", "organisation__name", "organisation__uscc",
)


def queue_tracks() -> list[Track]:
    """Every track with its program and its number of required materials, in the queue filter's order: one
    query gives both dropdowns and the track column of every row (``with_queue_tracks``)."""
    return list(
        Track.objects.select_related("program")
        .only("code", "title", "position", "program__code", "program__title", "program__short_title",
              "program__year")
        .annotate(required_count=Count("materials", filter=Q(materials__required=True)))
        .order_by("program__code", "position", "pk")
    )


def with_queue_tracks(rows: list[Application], tracks: list[Track]) -> list[Application]:
    """The queue's rows with their track (and its program) and required-material count from ``queue_tracks``."""
    by_pk = {track.pk: track for track in tracks}
    for row in rows:
        row.track = by_pk[row.track_id]
        row.required_count = row.track.required_count
    return rows


def tracks_with_materials(track: Track):
    return track.materials.order_by("seq")


def uploads_by_material(application: Application) -> dict[int, MaterialUpload]:
    return {u.material_id: u for u in application.uploads.all()}


def upload_for(user, application_pk: int, upload_pk: int) -> MaterialUpload:
    application = application_for(user, application_pk)
    upload = application.uploads.filter(pk=upload_pk).first()
    if upload is None:
        raise Http404
    return upload


def versions_of(application: Application) -> QuerySet[ApplicationVersion]:
    return application.versions.select_related("submitted_by").order_by("number")


def application_history(application: Application):
    return history_for(application)


def _flatten(snapshot: dict, kpi_labels: dict[str, str], material_labels: dict[str, str]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key in ("title", "plan", "requested_amount", "matching_funds"):
        flat[key] = str(snapshot.get(key, ""))
    for i, p in enumerate(snapshot.get("partners", []), 1):
        flat[f"partner {i}"] = " / ".join(str(p.get(k, "")) for k in ("name", "uscc", "org_type", "role"))
    for kpi_id, (value, note) in snapshot.get("kpis", {}).items():
        flat[f"KPI {kpi_labels.get(kpi_id, kpi_id)}"] = f"{value or ''} {note or ''}".strip()
    for i, b in enumerate(snapshot.get("budget", []), 1):
        flat[f"budget {i}"] = f"{b.get('item')} / {b.get('source')} / {b.get('amount')}"
    for mid, m in snapshot.get("materials", {}).items():
        flat[f"material {material_labels.get(mid, mid)}"] = f"{m.get('name')} ({m.get('sha256', '')[:12]})"
    return flat


def version_changes(application: Application, older: ApplicationVersion, newer: ApplicationVersion) -> list[dict]:
    """What changed between two submitted versions, field by field."""
    kpi_labels = {str(k.pk): k.metric for k in application.track.kpis.all()}
    material_labels = {str(m.pk): m.title for m in application.track.materials.all()}
    a = _flatten(older.snapshot, kpi_labels, material_labels)
    b = _flatten(newer.snapshot, kpi_labels, material_labels)
    changes = []
    for key in list(dict.fromkeys([*a, *b])):
        if a.get(key, "") != b.get(key, ""):
            changes.append({"field": key, "before": a.get(key, ""), "after": b.get(key, "")})
    return changes
