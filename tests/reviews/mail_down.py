"""An e-mail backend for a mail outage: every send raises, as an unreachable SMTP server does."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("the mail server is down")
