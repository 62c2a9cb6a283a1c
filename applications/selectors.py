"""Who may see which application, and the reads behind each page."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from audit.selectors import history_for
from programs.models import Track

from .models import Application, ApplicationVersion, MaterialUpload, Status


def applications_visible_to(user) -> QuerySet[Application]:
    """Members see their organisations' applications; officers see all submitted ones; others nothing."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_officer:
        return Application.objects.exclude(status=Status.DRAFT)
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


def officer_queue() -> QuerySet[Application]:
    return (
        Application.objects.exclude(status=Status.DRAFT)
        .select_related("track", "track__program", "organisation")
        .annotate(
            required_count=Count("track__materials", filter=Q(track__materials__required=True), distinct=True),
            uploaded_count=Count("uploads", distinct=True),
        )
        .order_by("-submitted_at", "-pk")
    )


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
