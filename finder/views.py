"""The funding finder's pages: the anonymous quick check (public, nothing stored), an applicant's list of the calls
its organisation can win (applicant only) and the office's demand forecast with its bulk match (officers only).
Reads through finder.selectors; the one write goes through the jobs app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobs.selectors import latest_job
from jobs.services import job_request
from jobs.status import job_box
from organisations.selectors import organisations_for

from .forms import FilterForm, QuickCheckForm
from .jobs import BULK_MATCH
from .selectors import QuickProfile, finder_organisation, forecast_rows, organisation_rows, quick_rows
from .verdicts import VERDICTS


def _filters(request, staff=None) -> tuple[FilterForm, dict]:
    form = FilterForm({k: request.GET.get(k, "") for k in ("office", "call_region", "sort")}, staff=staff)
    return form, form.filters()


@require_GET
def quick_check(request):
    """A visitor's region, type and few figures against every open and upcoming track: GET only, nothing stored."""
    submitted = "org_type" in request.GET
    form = QuickCheckForm(request.GET if submitted else None)
    filter_form, filters = _filters(request)
    rows = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        profile = QuickProfile(
            region=data["region"], org_type=data["org_type"], revenue=data["revenue"], rd_spend=data["rd_spend"],
            ip_spend=data["ip_spend"], invention_patents=data["invention_patents"] or 0,
            other_patents=data["other_patents"] or 0, certifications=tuple(data["certifications"]),
            legal_person=data["legal_person"])
        rows = quick_rows(profile, **filters)
    return render(request, "finder/check.html", {"form": form, "filter_form": filter_form, "rows": rows,
                                                 "verdicts": VERDICTS.values()})


@login_required
@require_GET
def mine(request):
    """The calls the applicant's organisation can win (可申报的项目); another organisation of the user's by
    ``?organisation=``; someone else's is a 404."""
    if not request.user.is_applicant:
        raise Http404
    organisation = finder_organisation(request.user, request.GET.get("organisation"))
    filter_form, filters = _filters(request)
    rows = organisation_rows(organisation, **filters) if organisation is not None else []
    return render(request, "finder/mine.html", {
        "organisation": organisation, "organisations": list(organisations_for(request.user)[:50]),
        "filter_form": filter_form, "rows": rows, "verdicts": VERDICTS.values(),
    })


def _officer(request) -> None:
    if not request.user.is_officer:
        raise Http404


@login_required
@require_GET
def forecast(request):
    """How many registered organisations match each open and upcoming track, before its call opened and since,
    and how many applied; the bulk match that computes it runs in the background, with its progress."""
    _officer(request)
    filter_form, filters = _filters(request, staff=request.user)
    job = latest_job(request.user, kind=BULK_MATCH)
    return render(request, "finder/forecast.html", {
        "filter_form": filter_form, "rows": forecast_rows(request.user, office=filters["office"]), "job": job,
        "box": job_box(job, prefix="bulk-match", title=_("Demand forecast (bulk match)"), reload=True,
                       icon="bi-people"),
    })


@login_required
@require_POST
def forecast_run(request):
    _officer(request)
    try:
        job_request(actor=request.user, kind=BULK_MATCH)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("The bulk match is running; this page shows its progress."))
    return redirect("finder:forecast")
