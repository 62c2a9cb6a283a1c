"""Every state change of a job, one function per transition (request, start, finish, fail, requeue, retry):
atomic, the row locked, role and state checked against ``JOB_TRANSITIONS``, saved with ``update_fields``,
audited, the work queued on commit."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record_event
from core.dispatch import queue

from .models import IN_PROGRESS, JOB_TRANSITIONS, Job, JobState
from .registry import JobError, job_kind
from .status import failure_message

logger = logging.getLogger(__name__)
# Errors that pass (a lost connection, a lock that timed out): the task tries again before the job fails.
TRANSIENT = (OperationalError, InterfaceError)


def _check(name: str, job: Job) -> str:
    transition = JOB_TRANSITIONS[name]
    if job.state not in transition.sources:
        raise ValidationError(
            _("This job is “%(state)s”; “%(step)s” is not possible from there.")
            % {"state": job.get_state_display(), "step": transition.label},
            code="wrong_state",
        )
    before, job.state = job.state, transition.target
    return before


def _queue(job_id: int) -> None:
    queue("jobs.run_job", job_id=job_id)


def _target_fields(target) -> dict:
    if target is None:
        return {"content_type": None, "object_id": None}
    from django.contrib.contenttypes.models import ContentType

    return {"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk}


@transaction.atomic
def job_request(*, actor, kind: str, target=None, upload: bytes | None = None, upload_name: str = "",
                asked: dict | None = None) -> Job:
    """Ask for a job on a target (an export) or on an uploaded file (an import); it runs after the commit.
    Asking again while the same export is still queued or running gives that job back. ``asked``: what the
    request chose besides the target (the pool an import fills), kept in the summary until the job finishes."""
    spec = job_kind(kind)
    if not (getattr(actor, "is_authenticated", False) and spec.may_request(actor, target)):
        raise PermissionDenied(_("You may not ask for this."))
    fields = _target_fields(target)
    if upload is None:
        waiting = (Job.objects.select_for_update().filter(requested_by=actor, kind=kind, state__in=IN_PROGRESS,
                                                          **fields).order_by("-created_at").first())
        if waiting is not None:
            return waiting
    job = Job(kind=kind, requested_by=actor, language=translation.get_language() or "zh-hans", summary=asked or {},
              **fields)
    if upload is not None:
        job.input_file.save(upload_name or "upload.bin", ContentFile(upload), save=False)
    job.save()
    record_event(target=job, actor=actor, action="job_request", to_state=job.state, data={"kind": kind})
    _queue(job.pk)
    return job


def _locked(job_id: int) -> Job | None:
    return Job.objects.select_for_update().filter(pk=job_id).first()


@transaction.atomic
def job_start(*, job_id: int) -> Job | None:
    """The worker takes a queued job (None if it is gone or already taken: a duplicate message)."""
    job = _locked(job_id)
    if job is None or job.state != JobState.QUEUED:
        return None
    before = _check("start", job)
    job.attempts += 1
    job.started_at, job.finished_at, job.progress = timezone.now(), None, None
    job.save(update_fields=["state", "attempts", "started_at", "finished_at", "progress", "updated_at"])
    record_event(target=job, actor=None, action="job_start", from_state=before, to_state=job.state,
                 data={"attempt": job.attempts})
    return job


@transaction.atomic
def job_finish(*, job_id: int, output: bytes | dict) -> Job:
    job = _locked(job_id)
    before = _check("finish", job)
    spec = job_kind(job.kind)
    fields = ["state", "finished_at", "error", "updated_at"]
    if isinstance(output, bytes | bytearray):
        name = spec.filename(job.target) if spec.filename else f"job-{job.pk}"
        job.result_file.save(f"job-{job.pk}-{name}", ContentFile(bytes(output)), save=False)
        job.result_filename = name
        fields += ["result_file", "result_filename"]
    else:
        job.summary = output or {}
        fields.append("summary")
    job.finished_at, job.error = timezone.now(), ""
    if job.progress is not None:
        job.progress = 100
        fields.append("progress")
    if job.input_file:  # the upload has been read; nothing retries a finished job
        storage, name = job.input_file.storage, job.input_file.name
        job.input_file = ""
        fields.append("input_file")
        transaction.on_commit(lambda: storage.delete(name))
    job.save(update_fields=fields)
    record_event(target=job, actor=None, action="job_finish", from_state=before, to_state=job.state)
    return job


def job_progress(*, job_id: int, percent: int) -> None:
    """A running job tells how far it has got (0–100), for its page's progress bar. Not a change of state: one
    UPDATE, committed at once when called outside a transaction (as a job's ``run`` is), never audited."""
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(progress=max(0, min(100, int(percent))),
                                                                 updated_at=timezone.now())


@transaction.atomic
def job_fail(*, job_id: int, message="") -> Job:
    job = _locked(job_id)
    before = _check("fail", job)
    with translation.override(job.language):
        job.error = str(message) if message else failure_message()
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at"])
    record_event(target=job, actor=None, action="job_fail", from_state=before, to_state=job.state,
                 data={"attempt": job.attempts})
    return job


@transaction.atomic
def job_requeue(*, job_id: int) -> Job:
    job = _locked(job_id)
    before = _check("requeue", job)
    job.save(update_fields=["state", "updated_at"])
    record_event(target=job, actor=None, action="job_requeue", from_state=before, to_state=job.state)
    return job


def job_run(*, job_id: int, final: bool = True) -> Job | None:
    """Run a queued job: running, then done with its file or summary, or failed with a message for the requester
    (the traceback goes to the log). A passing error queues it again and re-raises, unless this is the last try."""
    job = job_start(job_id=job_id)
    if job is None:
        return None
    spec = job_kind(job.kind)
    try:
        with translation.override(job.language):
            output = spec.run(job)
    except JobError as exc:
        logger.warning("job %s (%s) failed: %s", job.pk, job.kind, exc)
        return job_fail(job_id=job.pk, message=exc.args[0] if exc.args else "")
    except TRANSIENT:
        if not final:
            job_requeue(job_id=job.pk)
            raise
        logger.exception("job %s (%s) failed on its last try", job.pk, job.kind)
        return job_fail(job_id=job.pk)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return job_fail(job_id=job.pk)
    return job_finish(job_id=job.pk, output=output)


@transaction.atomic
def job_retry(*, actor, job: Job) -> Job:
    """Run a failed job again: only its requester asks (a job and its file are private to whoever asked for it, as
    its pages are), and only while they may still ask for that kind of job."""
    locked = _locked(job.pk)
    if locked is None:
        raise ValidationError(_("This job no longer exists."), code="gone")
    if locked.requested_by_id != getattr(actor, "pk", None) or not job_kind(locked.kind).may_request(
            actor, locked.target):
        raise PermissionDenied(_("Only the person who asked for it may try it again."))
    if locked.expired:
        raise ValidationError(_("This upload has expired and was deleted; upload the file again."), code="expired")
    before = _check("retry", locked)
    locked.error, locked.finished_at = "", None
    locked.save(update_fields=["state", "error", "finished_at", "updated_at"])
    record_event(target=locked, actor=actor, action="job_retry", from_state=before, to_state=locked.state,
                 data={"kind": locked.kind, "attempts": locked.attempts})
    _queue(locked.pk)
    return locked


def jobs_expire_results(*, now: dt.datetime | None = None) -> int:
    """Delete the result files of jobs finished more than ``JOB_RESULT_DAYS`` ago. Each row stays, marked
    expired, so its page says the file is gone and offers to ask again. Idempotent: an expired job has no file
    left to delete. Returns how many files were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JOB_RESULT_DAYS)
    old = (Job.objects.filter(state=JobState.DONE, finished_at__lt=cutoff, expired_at__isnull=True)
           .exclude(result_file="").values_list("pk", flat=True))
    # A failed import keeps its upload so it can be tried again; after as long, the upload (people's names and
    # addresses, for an expert pool) goes too, and the job can no longer be retried: upload the file again.
    stale = (Job.objects.filter(state=JobState.FAILED, finished_at__lt=cutoff, expired_at__isnull=True)
             .exclude(input_file="").values_list("pk", flat=True))
    return (sum(_expire(job_id=pk, now=now) for pk in list(old))
            + sum(_expire_upload(job_id=pk, now=now) for pk in list(stale)))


@transaction.atomic
def _expire_upload(*, job_id: int, now: dt.datetime) -> int:
    job = _locked(job_id)
    if job is None or job.expired_at is not None or not job.input_file:
        return 0
    storage, name = job.input_file.storage, job.input_file.name
    job.input_file, job.expired_at = "", now
    job.save(update_fields=["input_file", "expired_at", "updated_at"])
    record_event(target=job, actor=None, action="job_expire", from_state=job.state, to_state=job.state,
                 data={"kind": job.kind, "upload": True, "days": settings.JOB_RESULT_DAYS})
    transaction.on_commit(lambda: storage.delete(name))
    return 1


@transaction.atomic
def _expire(*, job_id: int, now: dt.datetime) -> int:
    job = _locked(job_id)
    if job is None or job.expired_at is not None or not job.result_file:
        return 0  # a second sweep got here first
    storage, name = job.result_file.storage, job.result_file.name
    job.result_file, job.expired_at = "", now
    job.save(update_fields=["result_file", "expired_at", "updated_at"])
    record_event(target=job, actor=None, action="job_expire", from_state=job.state, to_state=job.state,
                 data={"kind": job.kind, "file": job.result_filename, "days": settings.JOB_RESULT_DAYS})
    transaction.on_commit(lambda: storage.delete(name))
    return 1
