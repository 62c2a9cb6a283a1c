import logging

from celery import shared_task

from jobs.retrying import RETRYING, run_with_retries
from notifications.mail_retry import EMAIL_MAX_RETRIES, retry_if_transient

from .decisions import award_render_notice
from .services import dossier_render
from .welcome import password_mail_failed, password_mail_send

logger = logging.getLogger(__name__)


@shared_task(name="reviews.generate_dossier", bind=True, **RETRYING)
def generate_dossier(self, *, application_id: int) -> None:
    """Thin task: render the PDF reviewers open (redacted for blind review); a passing error is tried again."""
    run_with_retries(self, dossier_render, application_id=application_id)


@shared_task(name="reviews.generate_notice", bind=True, **RETRYING)
def generate_notice(self, *, award_id: int) -> None:
    """Thin task: render the approval notice (立项通知书) of an approved award; a passing error is tried again."""
    run_with_retries(self, award_render_notice, award_id=award_id)


@shared_task(name="reviews.send_password_mail", bind=True, ignore_result=True, max_retries=EMAIL_MAX_RETRIES)
def send_password_mail(self, *, profile_id: int) -> None:
    """Thin task: mail a new expert the link to set a password. A passing SMTP error is tried again with longer
    pauses; after the last try, or on any other error, the mail is marked failed (the pool page says so and offers
    "resend link") and the error is logged, not raised: the account exists whatever the mail server does."""
    try:
        password_mail_send(profile_id=profile_id)
    except Exception as exc:
        retry_if_transient(self, exc)
        password_mail_failed(profile_id=profile_id)
        logger.exception("the password link of expert %s could not be mailed", profile_id)
