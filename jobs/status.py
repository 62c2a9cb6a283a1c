"""What a page shows of background work, and what its status URL answers: one shape for a job and for the
generated PDFs that keep their own status (the application book, the reviewer's PDF, the approval notice, the
task book, the acceptance conclusion), read by
``templates/jobs/_status.html`` and ``static/js/job_status.js``."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Job, JobState
from .registry import job_kinds

# The states the widget knows; a PDF's own states map onto them.
NONE, QUEUED, RUNNING, DONE, FAILED = "none", "queued", "running", "done", "failed"
EXPIRED = "expired"  # done, but its file was deleted after JOB_RESULT_DAYS: the page offers to ask again


def failure_message() -> str:
    return _("It could not be made. Try again; if it fails again, tell the portal's administrator.")


@dataclass(frozen=True)
class StatusBox:
    prefix: str  # element ids: <prefix>-box, -label, -link, -retry, -message
    title: str
    state: str  # none, queued, running, done, failed
    label: str
    status_url: str
    download_url: str = ""
    retry_url: str = ""
    message: str = ""
    reload: bool = False  # reload the page when it ends (an import: the page then shows what happened)
    icon: str = "bi-file-earmark-excel"
    progress: int | None = None  # per cent, for a job that tells how far it has got; None: a spinner only

    @property
    def in_progress(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def as_json(self) -> dict:
        data = asdict(self)
        keys = ("state", "label", "download_url", "message") + (("progress",) if self.progress is not None else ())
        return {key: data[key] for key in keys}


def job_box(job: Job | None, *, prefix: str, title: str, reload: bool = False, icon: str = "bi-file-earmark-excel"
            ) -> StatusBox | None:
    if job is None:
        return None
    done = job.state == JobState.DONE and bool(job.result_file)
    kind = job_kinds().get(job.kind)
    progress = (job.progress or 0) if kind is not None and kind.tells_progress else job.progress
    if job.expired:
        label = (_("The file has expired; ask for it again.") if job.state == JobState.DONE
                 else _("This upload has expired and was deleted; upload the file again."))
        return StatusBox(prefix=prefix, title=title, state=EXPIRED, label=label,
                         status_url=reverse("jobs:status", args=[job.pk]), reload=reload, icon=icon)
    return StatusBox(
        prefix=prefix, title=title, state=job.state, label=_label(job),
        status_url=reverse("jobs:status", args=[job.pk]),
        download_url=reverse("jobs:download", args=[job.pk]) if done else "",
        retry_url=reverse("jobs:retry", args=[job.pk]),
        message=job.error if job.state == JobState.FAILED else "", reload=reload, icon=icon,
        progress=progress,
    )


def _label(job: Job) -> str:
    """The job's state in words; a finished job whose kind tells its outcome (a refused import) says that."""
    kind = job_kinds().get(job.kind)
    if job.state == JobState.DONE and kind is not None and kind.outcome is not None:
        return str(kind.outcome(job) or job.get_state_display())
    return job.get_state_display()


# A generated PDF's own status (pending, running, ready, failed, none) as the widget's state.
PDF_STATES = {"none": NONE, "pending": QUEUED, "running": RUNNING, "ready": DONE, "failed": FAILED}


def pdf_box(*, prefix: str, title: str, status: str, label: str, status_url: str, download_url: str,
            retry_url: str = "") -> StatusBox:
    """The box of a PDF that keeps its status on its own model; the download shows only when it is ready, the
    message and "try again" only when it failed."""
    state = PDF_STATES.get(status, status)
    return StatusBox(prefix=prefix, title=title, state=state, label=label, status_url=status_url,
                     download_url=download_url if state == DONE else "", retry_url=retry_url,
                     message=failure_message() if state == FAILED else "", icon="bi-file-earmark-pdf")
