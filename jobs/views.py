"""A job's status (JSON, polled by the page that asked for it), its result file and its retry. Only the
requester sees any of them; everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.storage import serve

from . import services
from .models import JobState
from .registry import job_kind
from .selectors import job_for
from .status import job_box


def retry_and_return(request, retry, *, done: str, to: str):
    """Run a retry service for the user who pressed "try again": a refusal becomes an error message naming why,
    success the ``done`` message; either way back to ``to``, the page that asked. Serves every status box's retry
    (jobs and the generated PDFs alike)."""
    try:
        retry()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, done)
    return redirect(to)


@login_required
def status(request, pk: int):
    job = job_for(request.user, pk)
    box = job_box(job, prefix="job", title=str(job_kind(job.kind).label))
    return JsonResponse(box.as_json())


@login_required
def download(request, pk: int):
    job = job_for(request.user, pk)
    if job.state != JobState.DONE or not job.result_file:
        raise Http404
    return serve(job.result_file, filename=job.result_filename, content_type=job_kind(job.kind).content_type)


@login_required
@require_POST
def retry(request, pk: int):
    job = job_for(request.user, pk)
    return retry_and_return(request, lambda: services.job_retry(actor=request.user, job=job),
                            done=_("It is being made again."), to=job_kind(job.kind).page(job.target))
