"""Reads of programs and tracks. Lists run a fixed number of queries whatever their size."""

import datetime as dt

from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import CallStatus, Criterion, Program, Rubric, Track


def today() -> dt.date:
    return timezone.localdate()


def call_status_expression(on: dt.date | None = None):
    on = on or today()
    return Case(
        When(Q(call_opens__isnull=True) | Q(call_closes__isnull=True), then=Value(CallStatus.UNSCHEDULED)),
        When(call_opens__gt=on, then=Value(CallStatus.UPCOMING)),
        When(call_closes__lt=on, then=Value(CallStatus.CLOSED)),
        default=Value(CallStatus.OPEN),
        output_field=CharField(),
    )


def call_status(program: Program, on: dt.date | None = None) -> str:
    on = on or today()
    if program.call_opens is None or program.call_closes is None:
        return CallStatus.UNSCHEDULED
    if on < program.call_opens:
        return CallStatus.UPCOMING
    if on > program.call_closes:
        return CallStatus.CLOSED
    return CallStatus.OPEN


def is_call_open(program: Program, on: dt.date | None = None) -> bool:
    return call_status(program, on) == CallStatus.OPEN


def program_list() -> QuerySet[Program]:
    return (
        Program.objects.select_related("region__parent__parent")
        .annotate(track_count=Count("tracks", distinct=True), status=call_status_expression())
        .order_by("-year", "code")
    )


def _no_nul(*codes: str) -> None:
    """A code from the URL with a NUL character (%00) names nothing; PostgreSQL would refuse the query."""
    if any("\x00" in code for code in codes):
        raise Http404


def program_detail(code: str) -> Program:
    _no_nul(code)
    program = get_object_or_404(
        Program.objects.select_related("region__parent__parent", "rubric").annotate(
            status=call_status_expression()
        ),
        code=code,
    )
    return program


def program_tracks(program: Program) -> QuerySet[Track]:
    return program.tracks.annotate(
        kpi_count=Count("kpis", distinct=True), rule_count=Count("rules", distinct=True)
    ).order_by("position")


def track_detail(program_code: str, track_code: str) -> Track:
    _no_nul(program_code, track_code)
    return get_object_or_404(
        Track.objects.select_related("program", "program__region", "program__rubric", "rubric").prefetch_related(
            "tranches", "kpis", "rules", "materials"
        ),
        program__code=program_code,
        code=track_code,
    )


def portal_default_rubric() -> Rubric | None:
    return Rubric.objects.filter(is_portal_default=True).first()


def rubric_for(track: Track) -> Rubric | None:
    """The criteria a track is scored on: its own, else its program's, else the portal default."""
    rubric = track.rubric or track.program.rubric or portal_default_rubric()
    if rubric is None:
        return None
    return (
        Rubric.objects.prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("seq")))
        .filter(pk=rubric.pk)
        .first()
    )
