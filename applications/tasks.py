from celery import shared_task

from jobs.retrying import RETRYING, run_with_retries

from .pdfs import application_render_pdf


@shared_task(name="applications.generate_application_pdf", bind=True, **RETRYING)
def generate_application_pdf(self, *, application_id: int, version: int) -> None:
    """Thin task: render the application book of one submitted version; a passing error is tried again."""
    run_with_retries(self, application_render_pdf, application_id=application_id, version=version)
