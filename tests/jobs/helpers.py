"""Going through a page's background job in a test: ask for it (the job runs on commit, in the test's thread —
the test takes ``inline_tasks``), then read what the page offers."""

from __future__ import annotations

from django.urls import reverse

from jobs.models import Job


def ask(client, url: str, capture, data: dict | None = None) -> Job:
    """POST the page's "export" (or "import") form; the job runs after the commit. Returns it, finished."""
    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302, response.status_code
    return Job.objects.order_by("-pk").first()


def result(client, job: Job) -> bytes:
    """The finished job's file, through the download view (as the page's link offers it)."""
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)
