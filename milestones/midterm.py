"""The office requires a mid-term check (issue 16): where the guide states none, the officer may still require
one of a project (or no longer require it), with a reason; acceptance then waits for a check that found the project
on track (milestones.conditions), as where the guide requires one.

The step follows services.py: atomic, lock the project, check the actor and the state against PROJECT_TRANSITIONS,
save with update_fields, audit with the reason, tell the unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event

from . import limits
from .conditions import GUIDE, midterm_required_by
from .models import PROJECT_TRANSITIONS, Project
from .notices import MIDTERM_NOT_REQUIRED, MIDTERM_REQUIRED, tell_unit
from .services import _check_project_state, _lock_project, _require_officer


def project_require_midterm(*, actor, project: Project, required: bool, reason: str) -> Project:
    """An officer requires a mid-term check of a project in progress (``required``), or no longer requires it; the
    reason is recorded and told to the unit. The guide's own requirement is not the office's to lift."""
    step = PROJECT_TRANSITIONS["require_midterm"]
    _require_officer(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the office requires the mid-term check, or no longer does.")})
    limits.refuse(limits.text_errors(reason=(reason, limits.COMMENTS_MAX)))
    with transaction.atomic():
        locked = _lock_project(project)
        _check_project_state(locked, step.name)
        if midterm_required_by(locked) == GUIDE:
            raise ValidationError(_("The guide already requires a mid-term check of this project; the office "
                                    "cannot lift that."), code="guide_requires")
        if locked.midterm_required == required:
            raise ValidationError(
                _("The office already requires a mid-term check of this project.") if required else
                _("The office does not require a mid-term check of this project."), code="unchanged")
        locked.midterm_required = required
        locked.save(update_fields=["midterm_required"])
        record_event(target=locked, actor=actor, action=step.name, from_state=locked.state, to_state=locked.state,
                     reason=reason, data={"required": required})
        tell_unit(locked, (MIDTERM_REQUIRED if required else MIDTERM_NOT_REQUIRED).code, target=locked,
                  reference=locked.application.reference, reason=reason)
    return locked
