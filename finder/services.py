"""The funding finder's one write: the demand forecast, from a bulk match of every registered organisation against
every open and upcoming track (run as a background job, finder.jobs)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.selectors import office_scope
from programs.models import CallStatus
from programs.selectors import office_today

from .matching import bulk_match, finder_tracks, registered_organisations
from .models import DemandSnapshot, Phase
from .verdicts import VERDICTS


def demand_forecast_compute(*, actor, office: str = "", progress: Callable[[int], None] | None = None) -> dict:
    """An officer has every registered organisation matched against every open and upcoming track of the offices
    whose figures it may read (narrowed to ``office``):
    each track's counts by verdict replace its snapshot of the phase (before the call opened, or since). Reads a
    fixed number of queries whatever the number of organisations, none per organisation or per track; writes one
    statement for all tracks."""
    if not getattr(actor, "is_officer", False):
        raise PermissionDenied(_("Only program officers may compute the demand forecast."))
    start = time.perf_counter()
    on = office_today()
    tracks = finder_tracks(on=on, office=office, scope=office_scope(actor, "program__office"))
    organisations = registered_organisations()
    demands = bulk_match(tracks, organisations, on, keep=False, progress=progress)
    now = timezone.now()
    rows = [DemandSnapshot(track=d.track, phase=Phase.AFTER if d.state == CallStatus.OPEN else Phase.BEFORE,
                           computed_at=now, organisations=len(organisations),
                           **{code: d.counts[code] for code in VERDICTS}) for d in demands]
    with transaction.atomic():  # derived figures, not a state change: the job that asked for them is audited
        DemandSnapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["track", "phase"],
            update_fields=["computed_at", "organisations", *VERDICTS])
    return {"tracks": len(rows), "organisations": len(organisations),
            "matching": sum(d.matching for d in demands), "seconds": round(time.perf_counter() - start, 2)}
