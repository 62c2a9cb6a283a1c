"""Appeal (复审) pages: the applicant lodges from the application's page; officers keep a queue and decide.
Exclusions (回避申请) and appeals show on the application's page through ``applications.hooks``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import application_for_member
from core.pagination import paginate

from . import appeals
from .appeal_selectors import (
    appeal_can_lodge,
    appeal_decidable,
    appeal_for_officer,
    appeal_queue,
    appeal_window,
    appeals_of,
    exclusion_rows,
)
from .forms import AppealForm, ReasonForm, reason_text
from .models import APPEAL_TRANSITIONS, AppealState


def _errors(request, exc: Exception) -> None:
    messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


@login_required
@require_POST
def appeal_lodge(request, application_id: int):
    application = application_for_member(request.user, application_id)
    form = AppealForm(request.POST)
    try:
        appeals.appeal_lodge(actor=request.user, application=application, reasons=form.reasons_text())
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your appeal was lodged; the program office will decide it and tell you."))
    return redirect("applications:detail", pk=application.pk)


@login_required
def appeal_list(request):
    if not request.user.is_officer:
        raise Http404
    page, querystring = paginate(request, appeal_queue(request.user), per_page=25)
    for appeal in page:
        appeal.decidable = appeal_decidable(appeal, request.user)
    return render(request, "reviews/appeals.html", {"page": page, "querystring": querystring,
                                                    "steps": APPEAL_TRANSITIONS, "reason_form": ReasonForm()})


@login_required
@require_POST
def appeal_step(request, pk: int, step: str):
    appeal = appeal_for_officer(request.user, pk)
    actions = {"uphold": appeals.appeal_uphold, "dismiss": appeals.appeal_dismiss}
    if step not in actions:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions[step](actor=request.user, appeal=appeal, resolution=reason_text(form))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The appeal was decided: %(state)s.")
                         % {"state": AppealState(APPEAL_TRANSITIONS[step].target).label})
    if request.POST.get("next") == "application":
        return redirect("applications:detail", pk=appeal.application_id)
    return redirect("reviews:appeals")


def appeal_panel(request, application):
    """On the application's page: the appeal window and form for its applicant, the appeals and their decision
    (with the buttons, for officers)."""
    window = appeal_window(application)
    made = appeals_of(application)
    if window is None and not made:
        return None
    for appeal in made:
        appeal.decidable = appeal_decidable(appeal, request.user, application.track.program.office_id)
    return ("reviews/_appeal_panel.html", {
        "window": window, "appeals": made, "officer": request.user.is_officer, "steps": APPEAL_TRANSITIONS,
        "can_lodge": appeal_can_lodge(request.user, window, made),
        "form": AppealForm(), "reason_form": ReasonForm(),
    })


def exclusions_panel(request, application):
    """The experts the applicant asked to exclude (回避申请): officers see which pool member each names; the
    applicant sees its own list. Reviewers never reach the application's page."""
    rows = exclusion_rows(application, with_matches=request.user.is_officer)
    if not rows:
        return None
    return ("reviews/_exclusions_panel.html", {"rows": rows, "officer": request.user.is_officer})
