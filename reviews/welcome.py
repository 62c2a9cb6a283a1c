"""The link a new expert gets to set a password: the mail (in the expert's language, with the user name and how
long the link is valid), queued after the commit and tried again on a passing error, whether it was sent, and the
officer's "resend link"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.services import record_event
from core.dispatch import queue
from offices.selectors import may_act_in

from .models import PasswordMail, ReviewerProfile


def password_link(user: User) -> str:
    """The path where a new reviewer sets a password (Django's password-reset token: single use, expiring)."""
    return reverse("reviews:set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})


def link_validity(language: str | None = None) -> str:
    """How long a link stays valid (``PASSWORD_RESET_TIMEOUT``), in whole days when it is, else in hours."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    with translation.override(language or translation.get_language()):
        if seconds >= 86400 and seconds % 86400 == 0:
            days = seconds // 86400
            return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        hours = max(1, -(-seconds // 3600))  # rounded up: never promise less than the token gives
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def password_mail_message(user: User) -> tuple[str, str]:
    """Subject and text of the mail, in the recipient's language."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("You have been added to the expert pool")
        body = _("Dear %(name)s,\n\nThe program office added you to its expert pool. Set your password here:\n"
                 "%(link)s\n\nThe link is valid for %(validity)s and can be used once; if it has expired, ask the "
                 "program office to send a new one.\n\nYour user name is %(username)s.") % {
            "name": user.full_name or user.username, "link": settings.PORTAL_BASE_URL + password_link(user),
            "validity": link_validity(language), "username": user.username}
    return subject, body


def queue_password_mail(profile_ids: list[int]) -> None:
    """After the commit, one task per expert (each tried again, and recorded, on its own). ``robust``: a broker
    that is down leaves the mail marked queued instead of failing the request whose account is already made."""
    for pk in profile_ids:
        queue("reviews.send_password_mail", robust=True, profile_id=pk)


def password_mail_send(*, profile_id: int) -> bool:
    """Send the queued mail of one expert; False if there is none queued (gone, already sent). SMTP errors
    propagate: the task tries the passing ones again and marks the mail failed after the last try."""
    profile = ReviewerProfile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None or profile.password_mail != PasswordMail.QUEUED:
        return False
    subject, body = password_mail_message(profile.user)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [profile.user.email])
    ReviewerProfile.objects.filter(pk=profile_id).update(password_mail=PasswordMail.SENT,
                                                         password_mail_at=timezone.now())
    return True


def password_mail_failed(*, profile_id: int) -> None:
    ReviewerProfile.objects.filter(pk=profile_id, password_mail=PasswordMail.QUEUED).update(
        password_mail=PasswordMail.FAILED)


@transaction.atomic
def reviewer_resend_link(*, actor, profile: ReviewerProfile) -> ReviewerProfile:
    """An officer sends a new link to an expert who has not set a password yet (the mail failed, or the link
    expired). Earlier links stay valid until they expire, as Django's tokens do. An expert of an office's own pool
    is the business of that office's officers; one of the shared pool, of every officer."""
    if not getattr(actor, "is_officer", False):
        raise PermissionDenied(_("Only program officers may do this."))
    locked = ReviewerProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if locked.office_id is not None and not may_act_in(actor, locked.office_id):
        raise PermissionDenied(_("Only program officers may do this."))
    if not locked.active or not locked.user.is_active:
        raise ValidationError(_("This reviewer is inactive; activate the account before sending a link."),
                              code="inactive")
    if locked.user.has_usable_password():
        raise ValidationError(_("This reviewer has already set a password; they can sign in."), code="has_password")
    before = locked.password_mail
    locked.password_mail = PasswordMail.QUEUED
    locked.save(update_fields=["password_mail"])
    record_event(target=locked, actor=actor, action="resend_password_link", from_state=before,
                 to_state=locked.password_mail)
    queue_password_mail([locked.pk])
    return locked
