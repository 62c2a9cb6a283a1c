from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import home_url_for
from core.pagination import paginate

from .filters import ProgramFilter
from .forms import CallWindowForm, PublishForm, plan_formset, plan_rows
from .hooks import track_panels
from .procedure import procedure_for
from .rule_words import describe
from .selectors import (
    is_call_open,
    kpi_sections,
    open_calls,
    program_detail,
    program_list,
    program_to_act_on,
    program_tracks,
    rubric_for,
    track_detail,
    track_has_projects,
    track_to_act_on,
)
from .services import program_publish, program_set_call_window, track_plan_set


def home(request):
    """Signed-in users go to their own start page; visitors see the open calls and how to apply."""
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))
    return render(request, "accounts/home.html", {"open_calls": open_calls()})


def catalogue(request):
    filterset = ProgramFilter(request.GET or None, queryset=program_list())
    page, querystring = paginate(request, filterset.qs)
    return render(
        request, "programs/catalogue.html", {"filter": filterset, "page": page, "querystring": querystring}
    )


def program_page(request, program: str):
    obj = program_detail(program, request.user)
    return render(request, "programs/program.html", {
        "program": obj, "tracks": program_tracks(obj),
        "officer_steps": getattr(request.user, "is_officer", False) and obj.officer_acts,
    })


def track_page(request, program: str, track: str, plan=None):
    obj = track_detail(program, track, request.user)
    officer = getattr(request.user, "is_officer", False) and obj.officer_acts  # officers of the office above read
    return render(request, "programs/track.html", {
        "plan_form": plan if plan is not None else plan_formset(track=obj) if officer else None,
        "plan_missing": not obj.tranches.exists(), "plan_open": officer and not track_has_projects(obj),
        "track": obj, "program": obj.program, "rubric": rubric_for(obj), "call_open": is_call_open(obj.program),
        "rules": [(rule, describe(rule)) for rule in obj.rules.all()],
        "kpi_sections": kpi_sections(obj.kpis.all()), "procedure": procedure_for(obj),
        "panels": track_panels(request, obj), "officer_steps": officer,
    })


@login_required
@require_POST
def track_plan(request, program: str, track: str):
    """An officer sets a track's tranche plan before approval (audited by the service); others get 404."""
    obj = track_to_act_on(request.user, program, track)
    formset = plan_formset(request.POST)
    if formset.is_valid():
        try:
            track_plan_set(actor=request.user, track=obj, rows=plan_rows(formset),
                           reason=request.POST.get("reason", "")[:300])
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
            return track_page(request, program, track, plan=formset)
        messages.success(request, _("The tranche plan is set; projects of this track open with it."))
        return redirect("programs:track", program=program, track=track)
    messages.error(request, _("Check the tranche plan: each share is a percentage between 0.01 and 100."))
    return track_page(request, program, track, plan=formset)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, program: str):
    """An officer opens a draft for comment for applications."""
    obj = program_to_act_on(request.user, program)
    if not obj.is_draft_for_comment:
        raise Http404
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program_publish(actor=request.user, program=obj, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The guide now takes applications."))
            return redirect("programs:program", program=obj.code)
    return render(request, "programs/publish.html", {"program": obj, "form": form, "officer_steps": True})


@login_required
@require_http_methods(["GET", "POST"])
def call_window(request, program: str):
    obj = program_to_act_on(request.user, program)
    initial = {"opens": obj.call_opens, "closes": obj.call_closes}
    form = CallWindowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            program_set_call_window(
                actor=request.user, program=obj, opens=form.cleaned_data["opens"],
                closes=form.cleaned_data["closes"], reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The call window was saved."))
            return redirect("programs:program", program=obj.code)
    return render(request, "programs/call_window.html", {"program": obj, "form": form})
