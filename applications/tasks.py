from celery import shared_task

from .services import application_render_pdf


@shared_task(name="applications.generate_application_pdf", ignore_result=True)
def generate_application_pdf(*, application_id: int, version: int) -> None:
    """Thin task: render the application book of one submitted version."""
    application_render_pdf(application_id=application_id, version=version)
