from celery import shared_task

from .retrying import RETRYING, run_with_retries
from .services import job_run, jobs_expire_results


@shared_task(name="jobs.run_job", bind=True, **RETRYING)
def run_job(self, *, job_id: int) -> None:
    """Thin task: run one job; a passing error (the database went away) is tried again a few times."""
    run_with_retries(self, job_run, job_id=job_id)


@shared_task(name="jobs.expire_results", ignore_result=True)
def expire_results() -> int:
    """Daily: delete the result files of jobs finished more than JOB_RESULT_DAYS ago (the rows stay)."""
    return jobs_expire_results()
