"""Confirming an irreversible step, with or without JavaScript.

A POST that changes something for good (approve, not fund, publish, close a round, release, record an acceptance)
must carry ``confirm=yes``. Without it the view answers with :func:`confirmation_page`: the sentence naming the
object and the amount, the same POST data carried in hidden fields, 确认 (which posts them again with the
confirmation) and 返回; nothing is changed. With JavaScript, ``static/js/portal.js`` asks the same sentence (read from
the form's ``data-confirm``) before the first POST and adds the confirmation, so one click and one answer suffice.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRMED = "yes"
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})


def is_confirmed(request: HttpRequest) -> bool:
    """True when the POST carries the confirmation that the confirmation step (page or script) sets."""
    return request.POST.get(CONFIRM_FIELD) == CONFIRMED


def confirmation_page(request: HttpRequest, *, question: str, back_url: str) -> HttpResponse:
    """The confirmation step without JavaScript: ``question`` names the object and amount; 确认 posts the same data
    back to the same address with the confirmation, 返回 goes to ``back_url``. Files cannot be carried: steps that
    take a file are not confirmed this way."""
    fields = [(name, value) for name in request.POST if name not in _NOT_CARRIED
              for value in request.POST.getlist(name)]
    return render(request, "confirm.html", {
        "question": question, "action": request.path, "fields": fields, "back_url": back_url,
        "confirm_field": CONFIRM_FIELD, "confirmed": CONFIRMED})
