"""What the project steps accept, checked by the services before anything is saved (the forms show the same
limits: ``maxlength`` and a live counter). Pure functions: each returns the problems as ``{field: message}``, every
message naming the field and what to do.

- Free text: a report's narrative as long as an application's plan (6,000 characters, about three printed pages:
  details go in the evidence files); an opinion or comments 2,000 (the conclusion's box is one page; at the limit
  the acceptance conclusion renders in about a second).
- Dates of things that happened (contract, payment, check, inspection): not after the office's today, not before
  the program's year began (a 2024 program's contract cannot be signed in 2023). A deadline set by the officer
  (rectify by) follows the check it comes from, by at most a year; a report is due from the program's year to five
  years ahead.
- Files: the application materials' types and size (``applications.inputs.check_upload``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.inputs import check_upload
from core.text import text_problem
from programs.selectors import today

NARRATIVE_MAX = 6_000
OPINION_MAX = 2_000
COMMENTS_MAX = 2_000
PAYMENT_REFERENCE_MAX = 100  # the column's length
DEADLINE_MAX_DAYS = 366
REPORT_AHEAD_YEARS = 5

LABELS = {
    "narrative": gettext_lazy("Narrative"), "comments": gettext_lazy("Comments"),
    "expert_opinion": gettext_lazy("Experts' opinion"), "signed_on": gettext_lazy("Contract signed on"),
    "released_on": gettext_lazy("Paid on"), "checked_on": gettext_lazy("Checked on"),
    "inspected_on": gettext_lazy("Inspected on"), "due_on": gettext_lazy("Due on"),
    "rectify_by": gettext_lazy("Rectify by"), "signed_file": gettext_lazy("Signed contract (PDF)"),
    "final_report": gettext_lazy("Final report"), "final_accounts": gettext_lazy("Final accounts"),
    "evidence": gettext_lazy("Evidence files"), "payment_reference": gettext_lazy("Payment reference"),
    "reason": gettext_lazy("Reason"),
}


def text_errors(**fields: tuple[str, int]) -> dict[str, str]:
    """``field=(text, max_chars)`` → the problems of each text (too long, control characters)."""
    errors = {}
    for name, (value, max_chars) in fields.items():
        problem = text_problem(value or "", label=LABELS[name], max_chars=max_chars)
        if problem:
            errors[name] = problem
    return errors


def _program_start(project) -> dt.date:
    return dt.date(project.application.track.program.year, 1, 1)


def happened_errors(project, **fields: dt.date | None) -> dict[str, str]:
    """``field=date`` of something that happened: between the start of the program's year and today."""
    errors, earliest, latest = {}, _program_start(project), today()
    for name, day in fields.items():
        if day is None:
            continue
        if day > latest:
            errors[name] = _("%(field)s: %(date)s is in the future; enter the day it happened (today at the "
                             "latest).") % {"field": LABELS[name], "date": day.isoformat()}
        elif day < earliest:
            errors[name] = _("%(field)s: %(date)s is before the program's year %(year)s began; check the date.") % {
                "field": LABELS[name], "date": day.isoformat(), "year": earliest.year}
    return errors


def deadline_errors(*, field: str, deadline: dt.date | None, after: dt.date | None) -> dict[str, str]:
    """A deadline the officer sets after an event (rectify by): later than the event, by at most a year."""
    if deadline is None or after is None:
        return {}
    if not after < deadline <= after + dt.timedelta(days=DEADLINE_MAX_DAYS):
        return {field: _("%(field)s: %(date)s must be after %(after)s and at most a year later.") % {
            "field": LABELS[field], "date": deadline.isoformat(), "after": after.isoformat()}}
    return {}


def due_errors(project, *, field: str, day: dt.date | None) -> dict[str, str]:
    """A report's due date: from the start of the program's year to five years from today."""
    if day is None:
        return {}
    earliest, latest = _program_start(project), today() + dt.timedelta(days=365 * REPORT_AHEAD_YEARS + 1)
    if not earliest <= day <= latest:
        return {field: _("%(field)s: %(date)s must be between %(start)s and %(end)s.") % {
            "field": LABELS[field], "date": day.isoformat(), "start": earliest.isoformat(),
            "end": latest.isoformat()}}
    return {}


def upload_errors(**fields) -> dict[str, str]:
    """``field=file`` (or a list of files): the type and size checks of application materials, per field."""
    errors = {}
    for name, files in fields.items():
        for upload in files if isinstance(files, list | tuple) else [files]:
            if not upload:
                continue
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors[name] = _("%(field)s: %(problem)s") % {"field": LABELS[name], "problem": " ".join(exc.messages)}
                break
    return errors


def refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
