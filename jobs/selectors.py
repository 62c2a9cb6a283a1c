"""Which jobs a user may see: only their own, and only while they may still ask for that kind on its target.
Everything else is a 404 (the same as a job that does not exist)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from .models import Job
from .registry import job_kind


def job_for(user, pk: int) -> Job:
    """The user's own job, while the user may still ask for that kind on its target (an officer who no longer
    reads the target's office no longer sees it); else 404."""
    job = Job.objects.filter(pk=pk, requested_by_id=getattr(user, "pk", None)).select_related(
        "content_type").first()
    if job is None or not job_kind(job.kind).may_request(user, job.target):
        raise Http404
    return job


def latest_job(user, *, kind: str, target=None) -> Job | None:
    """The user's latest job of this kind on this target (what the page that asks for it shows)."""
    if not getattr(user, "is_authenticated", False):
        return None
    jobs = Job.objects.filter(requested_by=user, kind=kind)
    if target is None:
        jobs = jobs.filter(content_type__isnull=True, object_id__isnull=True)
    else:
        jobs = jobs.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    return jobs.order_by("-created_at", "-pk").first()
