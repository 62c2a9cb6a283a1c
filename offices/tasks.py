import logging

from celery import shared_task

from .welcome import welcome_mail_send

logger = logging.getLogger(__name__)


@shared_task(name="offices.send_welcome_mail", ignore_result=True)
def send_welcome_mail(*, user_id: int, office_code: str) -> None:
    """Thin task: mail a newly invited officer the link to set a password. An error is logged, not raised: the
    account exists whatever the mail server does, and the office's administrator can invite again."""
    try:
        welcome_mail_send(user_id=user_id, office_code=office_code)
    except Exception:
        logger.exception("the welcome mail of officer %s could not be sent", user_id)
