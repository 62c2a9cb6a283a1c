"""The registry of job kinds. Higher apps (reviews, milestones) register theirs in ``AppConfig.ready()``; this
app imports none of them.

    register_job_kind(JobKind(code="reviews.ranking_xlsx", label=_("Ranking (Excel)"), run=ranking_job,
                              may_request=lambda user, review_round: user.is_officer,
                              page=lambda review_round: reverse("reviews:ranking", args=[review_round.track_id]),
                              filename=lambda review_round: "ranking.xlsx"))

``run(job)`` returns the result file's bytes, or a summary dict for an import (shown on the page when done).
It runs in the requester's language; it may raise ``JobError`` with a message for the requester.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobError(Exception):
    """A failure the requester can understand: its message (translated) is shown with the retry button."""


@dataclass(frozen=True)
class JobKind:
    code: str
    label: object  # lazy translation: what is being made ("Ranking (Excel)")
    run: Callable  # (job) -> bytes | dict
    may_request: Callable  # (user, target) -> bool: may ask for it, see its status and download its result
    page: Callable  # (target) -> str: the page that asks for it and shows its status (retry returns there)
    filename: Callable | None = None  # (target) -> str, for kinds that make a file
    content_type: str = XLSX
    makes_file: bool = True
    # (job) -> str: what a finished job's status says instead of "Done" (an import that refused the file says so);
    # "" keeps "Done".
    outcome: Callable | None = None
    # The job reports how far it has got (``services.job_progress``): its page shows a progress bar.
    tells_progress: bool = False


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"job kind {kind.code} is registered twice")
    _KINDS[kind.code] = kind


def job_kind(code: str) -> JobKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"no job kind {code!r} is registered") from None


def job_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
