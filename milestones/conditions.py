"""Conditions that hold (issue 16): a step that would strand a tranche is refused with what must happen first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import MidtermOutcome, Project


def refuse_stranding_acceptance(project: Project) -> None:
    """Acceptance comes after the contract (and after a mid-term check found the project on track, where the guide
    requires one): accepting before would leave a tranche paid after the contract never due, and skip the check."""
    if project.contract_signed_on is None:
        raise ValidationError(
            _("Acceptance can be requested only after the contract is recorded: the office records the signed "
              "contract first (tranches paid after the contract depend on it)."), code="no_contract")
    if project.application.track.midterm_check:
        latest = project.midterm_checks.order_by("-checked_on", "-pk").values_list("outcome", flat=True).first()
        if latest != MidtermOutcome.ON_TRACK:
            raise ValidationError(
                _("This guide requires a mid-term check: acceptance can be requested once the office has recorded "
                  "one that found the project on track."), code="no_midterm")
