"""When a mail task tries again: a passing error of the server or the network, not a refused address. Shared by
every task that sends mail (notices, the experts' set-password links)."""

import smtplib

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
