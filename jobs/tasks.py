from celery import shared_task

from .services import TRANSIENT, job_run


@shared_task(name="jobs.run_job", bind=True, ignore_result=True, max_retries=3, default_retry_delay=5)
def run_job(self, *, job_id: int) -> None:
    """Thin task: run one job; a passing error (the database went away) is tried again a few times."""
    final = self.request.called_directly or self.request.retries >= self.max_retries
    try:
        job_run(job_id=job_id, final=final)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=self.default_retry_delay * (self.request.retries + 1)) from exc
