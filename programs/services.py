"""Changes to programs made in the portal (guides themselves are loaded by fixture)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import GuideStatus, Program


@transaction.atomic
def program_set_call_window(*, actor, program: Program, opens: dt.date, closes: dt.date, reason: str = "") -> Program:
    """An officer opens (or moves) a program's call window."""
    if not getattr(actor, "is_officer", False):
        raise PermissionDenied(_("Only program officers may set a call window."))
    if closes < opens:
        raise ValidationError({"closes": _("The call must close on or after the day it opens.")})
    locked = Program.objects.select_for_update().get(pk=program.pk)
    before = f"{locked.call_opens or ''}–{locked.call_closes or ''}"
    locked.call_opens, locked.call_closes = opens, closes
    locked.save(update_fields=["call_opens", "call_closes"])
    record_event(
        target=locked, actor=actor, action="set_call_window", from_state=before[:30],
        to_state=f"{opens}–{closes}"[:30], reason=reason,
    )
    return locked


@transaction.atomic
def program_publish(*, actor, program: Program, reason: str = "") -> Program:
    """An officer opens a draft for comment (征求意见稿) for applications, once the office has decided to."""
    if not getattr(actor, "is_officer", False):
        raise PermissionDenied(_("Only program officers may publish a guide for applications."))
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if not locked.is_draft_for_comment:
        raise ValidationError(_("This guide is not a draft for comment; it takes applications already."),
                              code="not_draft")
    if locked.published_at is not None:
        raise ValidationError(_("This draft for comment was already published for applications."),
                              code="already_published")
    if not reason.strip():
        raise ValidationError({"reason": _("Say on what basis the draft is opened for applications "
                                           "(for example the office's decision and its date).")})
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    record_event(target=locked, actor=actor, action="publish", from_state=GuideStatus.DRAFT_FOR_COMMENT,
                 to_state="published", reason=reason)
    return locked
