"""The working calendar for portal administrators: the years it holds, entering a year's schedule from the State
Council's notice (upload or typed YAML, preview, then enter), and correcting one day."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .calendar_file import read_schedule
from .calendar_services import calendar_day_set, calendar_year_enter
from .forms import CalendarDayForm, CalendarImportForm
from .workdays import calendar_coverage, calendar_days, calendar_years


def _admin(request) -> None:
    if not request.user.is_portal_admin:
        raise Http404


def _page(request, *, import_form=None, day_form=None, problems=(), status=200):
    year = request.GET.get("year", "")
    shown = int(year) if year.isdigit() else None
    return render(request, "programs/calendar.html", {
        "coverage": calendar_coverage(timezone.localdate()), "years": calendar_years(),
        "shown": shown, "days": calendar_days(shown) if shown else [],
        "import_form": import_form or CalendarImportForm(), "day_form": day_form or CalendarDayForm(),
        "problems": problems,
    }, status=status)


@login_required
def calendar(request):
    _admin(request)
    return _page(request)


@login_required
@require_POST
def calendar_preview(request):
    """Read the schedule and show it; nothing is entered until the administrator confirms the preview."""
    _admin(request)
    form = CalendarImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form)
    year, upload = form.cleaned_data["year"], form.cleaned_data["file"]
    days, problems = read_schedule(year=year, content=upload.read() if upload else None,
                                   text=form.cleaned_data["text"])
    if problems:
        return _page(request, import_form=form, problems=problems)
    replaced = next((y for y in calendar_years() if y.year == year), None)
    return render(request, "programs/calendar_preview.html", {
        "year": year, "notice_title": form.cleaned_data["notice_title"], "days": days, "replaced": replaced,
        "rows": json.dumps([[d.line, d.date.isoformat(), d.kind, d.name] for d in days], ensure_ascii=False),
    })


@login_required
@require_POST
def calendar_enter(request):
    _admin(request)
    try:
        year = int(request.POST.get("year", ""))
        rows = json.loads(request.POST.get("rows", ""))
        if not isinstance(rows, list) or any(not isinstance(row, list) or len(row) != 4 for row in rows):
            raise ValueError("not the preview's rows")  # (line, date, kind, name) each, as the preview wrote them
        raw = [tuple(row) for row in rows]
    except (ValueError, TypeError):
        messages.error(request, _("The preview was not carried back whole; upload the schedule again."))
        return redirect("programs:calendar")
    try:
        calendar_year_enter(actor=request.user, year=year, notice_title=request.POST.get("notice_title", ""),
                            raw=raw)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("programs:calendar")
    messages.success(request, _("The %(year)s schedule is entered; working days in %(year)s are counted with it.")
                     % {"year": year})
    return redirect(reverse("programs:calendar") + f"?year={year}")


@login_required
@require_POST
def calendar_day(request):
    _admin(request)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _page(request, day_form=form)
    try:
        day = calendar_day_set(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, day_form=form)
    messages.success(request, _("%(day)s is saved.") % {"day": day.date.isoformat()})
    return redirect(reverse("programs:calendar") + f"?year={day.date.year}")
