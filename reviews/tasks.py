from celery import shared_task


@shared_task(name="reviews.generate_dossier", ignore_result=True)
def generate_dossier(*, application_id: int) -> None:
    """Thin task: render the PDF reviewers open (redacted for blind review)."""
    from .services import dossier_render

    dossier_render(application_id=application_id)


@shared_task(name="reviews.generate_notice", ignore_result=True)
def generate_notice(*, award_id: int) -> None:
    """Thin task: render the approval notice (立项通知书) of an approved award."""
    from .decisions import award_render_notice

    award_render_notice(award_id=award_id)
