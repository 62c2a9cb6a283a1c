"""The funding finder's background job, registered with the jobs app in ``FinderConfig.ready()``: the bulk match
behind the office's demand forecast, telling its progress track by track."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobError, JobKind

BULK_MATCH = "finder.bulk_match"


def _officer(user, _target=None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_officer)


def _bulk_match(job) -> dict:
    from jobs.services import job_progress

    from .services import demand_forecast_compute

    try:
        return demand_forecast_compute(actor=job.requested_by,
                                       progress=lambda percent: job_progress(job_id=job.pk, percent=percent))
    except PermissionDenied as exc:
        raise JobError(str(exc)) from exc


def _outcome(job) -> str:
    summary = job.summary or {}
    return gettext("%(organisations)s organisations matched against %(tracks)s tracks in %(seconds)s s.") % {
        "organisations": summary.get("organisations", 0), "tracks": summary.get("tracks", 0),
        "seconds": summary.get("seconds", 0)}


KINDS = (
    JobKind(code=BULK_MATCH, label=_("Demand forecast (bulk match)"), run=_bulk_match, may_request=_officer,
            page=lambda _target: reverse("finder:forecast"), makes_file=False, outcome=_outcome,
            tells_progress=True),
)
