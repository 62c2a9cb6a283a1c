"""Thin tasks: they take ids, re-read, and call the services."""

import smtplib

from celery import shared_task

from .services import notification_email_failed, notification_send_email, reminder_sweep

# Failures worth another try: the server or the network, not the address.
TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)
EMAIL_MAX_RETRIES = 5


def is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(exc, smtplib.SMTPSenderRefused):
        return 400 <= exc.smtp_code < 500  # 4xx: "try again later"
    return isinstance(exc, TRANSIENT)


def retry_if_transient(task, exc: Exception) -> None:
    """A mail task's passing error with tries left: raise the retry (pauses of 30 s, 1, 2, 4 … minutes, at most an
    hour). Otherwise return, and the task marks its mail failed."""
    if is_transient(exc) and not task.request.called_directly and task.request.retries < task.max_retries:
        raise task.retry(exc=exc, countdown=min(30 * 2**task.request.retries, 3600)) from exc


@shared_task(bind=True, name="notifications.send_email", ignore_result=True, max_retries=EMAIL_MAX_RETRIES)
def send_notification_email(self, *, notification_id: int) -> None:
    try:
        notification_send_email(notification_id=notification_id)
    except Exception as exc:
        retry_if_transient(self, exc)
        notification_email_failed(notification_id=notification_id)
        raise


@shared_task(name="notifications.daily_sweep", ignore_result=True)
def daily_sweep() -> int:
    """Celery beat runs this once a day (Asia/Shanghai; CELERY_BEAT_SCHEDULE)."""
    return reminder_sweep()
