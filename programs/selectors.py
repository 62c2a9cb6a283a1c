"""Reads of programs and tracks. Lists run a fixed number of queries whatever their size."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Count, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.counts import count_of
from offices.selectors import acts_flag
from organisations.models import Region

from .models import KPI, CallStatus, Criterion, EligibilityRule, GuideStatus, Material, Program, Rubric, Track


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
    """The call window is open and the guide takes applications (a draft for comment only once published)."""
    return program.takes_applications and call_status(program, on) == CallStatus.OPEN


# Calls open and close by the office's calendar, wherever the server or the applicant is.
OFFICE_TIME_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Deadline:
    """A program's call deadline as seen on one day (``today``) in Asia/Shanghai."""

    opens: dt.date | None
    closes: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        """0 on the last day, negative once the call has closed."""
        return (self.closes - self.today).days

    @property
    def upcoming(self) -> bool:
        return self.opens is not None and self.today < self.opens

    @property
    def closed(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= DEADLINE_SOON_DAYS


DEADLINE_SOON_DAYS = 7


def office_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(OFFICE_TIME_ZONE).date()


def call_deadline(program: Program, now: dt.datetime | None = None) -> Deadline | None:
    """The deadline of the program's call (None when the guide states none), counted in Asia/Shanghai days."""
    if program.call_closes is None:
        return None
    return Deadline(opens=program.call_opens, closes=program.call_closes, today=office_today(now))


def open_calls(limit: int = 10) -> QuerySet[Program]:
    """Programs whose call is open today, closing soonest first, for the home page."""
    on = office_today()
    return (
        Program.objects.select_related("region__parent__parent")
        .filter(call_opens__lte=on, call_closes__gte=on)
        .filter(Q(guide_status=GuideStatus.FINAL) | Q(published_at__isnull=False))
        .annotate(track_count=Count("tracks", distinct=True))
        .order_by("call_closes", "code")[:limit]
    )


def offices_with_programs():
    """The offices that publish a program (the catalogue's office filter): a subquery over the few programs."""
    from offices.models import Office

    return Office.objects.filter(code__in=Program.objects.values("office_id")).order_by("code")


def regions_with_programs() -> QuerySet[Region]:
    """Regions a program is run in, with the cities and provinces containing them (the region filter matches
    a region and everything inside it). Subqueries over the few programs, not a join over every region."""
    programs = Program.objects.all()
    return (
        Region.objects.filter(
            Q(code__in=programs.values("region_id")) | Q(code__in=programs.values("region__parent_id"))
            | Q(code__in=programs.values("region__parent__parent_id"))
        )
        .select_related("parent__parent")
        .order_by("code")
    )


# The columns the catalogue shows (the guides' long texts are read on the program page only).
CATALOGUE_FIELDS = (
    "code", "title", "short_title", "issuer", "level", "year", "total_budget", "call_opens", "call_closes", "region",
    "region__name", "region__parent__name", "region__parent__parent__name", "region__parent__parent__parent",
    "guide_status", "published_at", "office__code", "office__name",
)


def program_list() -> QuerySet[Program]:
    """The catalogue's programs with their number of tracks (a subquery per shown row, no join to count)."""
    return (
        Program.objects.select_related("region__parent__parent", "office")
        .only(*CATALOGUE_FIELDS)
        .annotate(track_count=count_of(Track.objects.filter(program=OuterRef("pk"))), status=call_status_expression())
        .order_by("-year", "code")
    )


def _no_nul(*codes: str) -> None:
    """A code from the URL with a NUL character (%00) names nothing; PostgreSQL would refuse the query."""
    if any("\x00" in code for code in codes):
        raise Http404


def program_detail(code: str, user=None) -> Program:
    """The program; with ``user``, ``officer_acts`` says whether that user takes the program's steps (an officer of
    its office, or a platform admin), read in the same query."""
    _no_nul(code)
    program = get_object_or_404(
        Program.objects.select_related("region__parent__parent", "rubric", "office").annotate(
            status=call_status_expression(), officer_acts=acts_flag(user, "office")
        ),
        code=code,
    )
    return program


def program_to_act_on(user, code: str) -> Program:
    """The program for one of its officer steps (call window, publish); 404 for whoever does not work for its
    office (other roles, officers of other offices, and officers of the office above, who only read it)."""
    program = program_detail(code, user)
    if not (getattr(user, "is_officer", False) and program.officer_acts):
        raise Http404
    return program


def program_tracks(program: Program) -> QuerySet[Track]:
    return program.tracks.filter(archived_at__isnull=True).annotate(
        kpi_count=Count("kpis", distinct=True), rule_count=Count("rules", distinct=True)
    ).order_by("position")


def track_detail(program_code: str, track_code: str, user=None) -> Track:
    """A track with the KPIs, rules and materials the guide states now (archived rows left out); with ``user``,
    ``officer_acts`` says whether that user takes the track's steps (its program's office's officers)."""
    _no_nul(program_code, track_code)
    active = {"archived_at__isnull": True}
    return get_object_or_404(
        Track.objects.select_related("program", "program__region", "program__rubric", "rubric")
        .annotate(officer_acts=acts_flag(user, "program__office")).prefetch_related(
            "tranches",
            Prefetch("kpis", queryset=KPI.objects.filter(**active).select_related("group")),
            Prefetch("rules", queryset=EligibilityRule.objects.filter(**active)),
            Prefetch("materials", queryset=Material.objects.filter(**active)),
        ),
        program__code=program_code,
        code=track_code,
    )


def track_to_act_on(user, program_code: str, track_code: str) -> Track:
    """The track for one of its officer steps (the tranche plan); 404 as ``program_to_act_on``."""
    track = track_detail(program_code, track_code, user)
    if not (getattr(user, "is_officer", False) and track.officer_acts):
        raise Http404
    return track


def kpi_sections(kpis) -> list[tuple]:
    """KPIs in guide order; the KPIs of a group stand together under the group's rule."""
    sections: list[tuple] = []
    by_group: dict[int, list] = {}
    for kpi in kpis:
        if kpi.group_id is None:
            sections.append((None, [kpi]))
        elif kpi.group_id in by_group:
            by_group[kpi.group_id].append(kpi)
        else:
            by_group[kpi.group_id] = [kpi]
            sections.append((kpi.group, by_group[kpi.group_id]))
    return sections


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


def track_has_projects(track: Track) -> bool:
    """Whether a project of this track is open: its plan is then fixed (the projects were split by it)."""
    return track.applications.filter(project__isnull=False).exists()
