"""Thin tasks: they take ids, re-read, and call the services."""

from celery import shared_task

from .mail_retry import EMAIL_MAX_RETRIES, retry_if_transient
from .services import notification_email_failed, notification_send_email, reminder_sweep


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
