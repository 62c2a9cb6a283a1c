"""Changes to programs made in the portal (guides themselves are loaded by fixture)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event

from .models import Program


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
