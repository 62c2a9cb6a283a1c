"""The mail a newly invited officer gets: which office added them, their user name, and a link to set a password
(Django's password-reset token: single use, expiring), in the officer's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Office


def password_link(user) -> str:
    return reverse("offices:set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})


def welcome_message(user, office: Office) -> tuple[str, str]:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("You have been added to the staff of %(office)s") % {"office": office.name}
        body = _("Dear %(name)s,\n\n%(office)s added you to its staff on the grants portal. Set your password "
                 "here:\n%(link)s\n\nThe link can be used once; if it has expired, ask the portal's "
                 "administrators for a new one.\n\nYour user name is %(username)s.") % {
            "name": user.full_name or user.username, "office": office.name,
            "link": settings.PORTAL_BASE_URL + password_link(user), "username": user.username}
    return subject, body


def welcome_mail_send(*, user_id: int, office_code: str) -> bool:
    """Send the mail; False when the account or the office is gone, or the password is already set."""
    user = get_user_model().objects.filter(pk=user_id).first()
    office = Office.objects.filter(pk=office_code).first()
    if user is None or office is None or user.has_usable_password():
        return False
    subject, body = welcome_message(user, office)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
