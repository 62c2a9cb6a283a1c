from celery import shared_task

from jobs.retrying import RETRYING, run_with_retries

from .decisions import award_render_notice
from .services import dossier_render


@shared_task(name="reviews.generate_dossier", bind=True, **RETRYING)
def generate_dossier(self, *, application_id: int) -> None:
    """Thin task: render the PDF reviewers open (redacted for blind review); a passing error is tried again."""
    run_with_retries(self, dossier_render, application_id=application_id)


@shared_task(name="reviews.generate_notice", bind=True, **RETRYING)
def generate_notice(self, *, award_id: int) -> None:
    """Thin task: render the approval notice (立项通知书) of an approved award; a passing error is tried again."""
    run_with_retries(self, award_render_notice, award_id=award_id)
