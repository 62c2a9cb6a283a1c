"""The background jobs of expert review, registered with the jobs app in ``ReviewsConfig.ready()``: the ranking's
Excel export, the expert pool's import from Excel and the automatic assignment of a round."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobError, JobKind
from offices.selectors import may_act_in, may_read

RANKING_XLSX = "reviews.ranking_xlsx"
POOL_IMPORT = "reviews.pool_import"
ASSIGNMENT = "reviews.assignment"


def _officer(user, _target=None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_officer)


def _reader(user, review_round) -> bool:
    """An officer who may read the round's program's office: asks for its ranking and sees the file."""
    return _officer(user) and (review_round is None or may_read(user, review_round.track.program.office_id))


def _actor(user, review_round) -> bool:
    """An officer who works for the round's program's office: asks for its automatic assignment."""
    return _officer(user) and (review_round is None or may_act_in(user, review_round.track.program.office_id))


def _ranking(job) -> bytes:
    from .exports import ranking_xlsx
    from .selectors import round_for_officer

    review_round = job.target and round_for_officer(job.requested_by, job.target.track_id)
    if review_round is None:
        raise JobError(_("The expert review of this track no longer exists."))
    return ranking_xlsx([review_round])


def _ranking_filename(review_round) -> str:
    stamp = timezone.localdate().isoformat()
    return f"ranking-{review_round.track.program.reference_prefix}-{review_round.track.code}-{stamp}.xlsx"


def _pool_import(job) -> dict:
    """Import the uploaded pool: every row or none. A bad file is not a failure of the job: it ends with the
    problems by row, shown on the pool page, and nothing imported."""
    from .services import reviewer_pool_import

    pool = (job.summary or {}).get("pool")  # the office whose pool it fills (asked with the request); None: shared
    with job.input_file.open("rb") as upload:
        content = upload.read()
    try:
        result = reviewer_pool_import(actor=job.requested_by, content=content, office=pool)
    except ValidationError as exc:
        return {"imported": 0, "problems": exc.messages}
    except PermissionDenied as exc:
        raise JobError(str(exc)) from exc
    return {"imported": len(result.created)}


def _pool_import_outcome(job) -> str:
    """A file with problems imports nothing: its status reads as refused, not as done."""
    return str(_("Not imported: the file has errors")) if job.summary.get("problems") else ""


def _assignment(job) -> dict:
    """Propose the round's assignment (``services.assignment_propose``), telling its progress as it goes. A round
    that can no longer be assigned fails the job with the reason."""
    from jobs.services import job_progress

    from .selectors import round_for_officer
    from .services import assignment_propose

    review_round = job.target and round_for_officer(job.requested_by, job.target.track_id)
    if review_round is None:
        raise JobError(_("The expert review of this track no longer exists."))
    try:
        proposal = assignment_propose(actor=job.requested_by, review_round=review_round,
                                      progress=lambda percent: job_progress(job_id=job.pk, percent=percent))
    except (ValidationError, PermissionDenied) as exc:
        raise JobError(" ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)) from exc
    return {"created": proposal.created, "missing": sum(proposal.shortfall.values()), "seed": proposal.seed}


def _assignment_outcome(job) -> str:
    created, missing = job.summary.get("created", 0), job.summary.get("missing", 0)
    done = gettext("%(n)s assignments proposed.") % {"n": created}
    if missing:
        return done + " " + gettext("%(n)s places could not be filled without a conflict or going past a load "
                                    "limit: add reviewers to the pool.") % {"n": missing}
    return done


KINDS = (
    JobKind(code=RANKING_XLSX, label=_("Ranking (Excel)"), run=_ranking, may_request=_reader,
            page=lambda review_round: reverse("reviews:ranking", args=[review_round.track_id]),
            filename=_ranking_filename),
    JobKind(code=POOL_IMPORT, label=_("Expert pool import"), run=_pool_import, may_request=_officer,
            page=lambda _target: reverse("reviews:pool"), makes_file=False, outcome=_pool_import_outcome),
    JobKind(code=ASSIGNMENT, label=_("Automatic assignment"), run=_assignment, may_request=_actor,
            page=lambda review_round: reverse("reviews:round", args=[review_round.track_id]), makes_file=False,
            outcome=_assignment_outcome, tells_progress=True),
)
