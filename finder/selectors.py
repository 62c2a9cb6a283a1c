"""The funding finder's reads: an organisation's list of calls, the anonymous quick check's list, the filters and
the office's demand forecast. A fixed number of queries whatever the number of tracks, applications or
organisations (tests/finder/test_pages.py, test_push.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404

from applications.eligibility import Outcome, facts_for, facts_for_unsaved
from applications.models import Application, Status
from applications.prechecks import CheckedRule, fix_url
from offices.models import Office
from offices.selectors import office_scope, offices_read_by
from organisations.models import Certification, FinancialYear, Organisation, Patent, PatentKind
from organisations.regions import regions_cached
from organisations.selectors import organisations_for
from programs.models import EligibilityRule, RuleKind, Track
from programs.rule_words import describe
from programs.selectors import office_today

from .matching import TrackMatch, call_state, finder_tracks, match_tracks, region_codes, rules_of
from .models import DemandSnapshot, Phase
from .verdicts import VERDICTS


@dataclass(frozen=True)
class FinderRow:
    match: TrackMatch
    rows: list[CheckedRule]  # the rules that did not pass, in plain words, with where to fix each
    passed: int
    application: Application | None = None  # the organisation's own application to the track, if it has one

    @property
    def track(self) -> Track:
        return self.match.track

    @property
    def verdict(self):
        return self.match.finder_verdict


def _sorted(rows: list[FinderRow], sort: str) -> list[FinderRow]:
    """Verdict first (what the organisation can win on top); then the larger amount, or the nearer deadline."""
    def key(row: FinderRow):
        budget = row.track.budget if row.track.budget is not None else Decimal(-1)
        closes = row.track.program.call_closes or dt.date.max
        if sort == "deadline":
            return (row.verdict.order, closes, -budget, row.track.program_id, row.track.position)
        return (row.verdict.order, -budget, closes, row.track.program_id, row.track.position)

    return sorted(rows, key=key)


def _rows(matches: list[TrackMatch], *, organisation_id: int | None, applications: dict | None = None
          ) -> list[FinderRow]:
    """Each match with the rules it did not pass in plain words (call inside ``regions_cached``: the words name
    regions); for a registered organisation, where it fixes each failure (profile section or figures)."""
    out = []
    for match in matches:
        by_id = {rule.pk: rule for rule in rules_of(match.track)}
        shown = [r for r in match.results if r.outcome != Outcome.PASS]
        rows = [CheckedRule(result=r, words=describe(by_id[r.rule_id]) if r.rule_id in by_id else "",
                            fix_url=fix_url(r.kind, organisation_id) if organisation_id and r.outcome == Outcome.FAIL
                            else "")
                for r in shown]
        out.append(FinderRow(match=match, rows=rows, passed=len(match.results) - len(shown),
                             application=(applications or {}).get(match.track.pk)))
    return out


def finder_organisation(user, organisation_id) -> Organisation | None:
    """The organisation whose list is shown: the one asked for if the user acts for it (else 404), else the
    user's first."""
    organisations = organisations_for(user)
    if organisation_id in (None, ""):
        return organisations.first()
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError):
        raise Http404 from None
    found = organisations.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def organisation_rows(organisation: Organisation, *, office: str = "", region: str = "", sort: str = "amount",
                      on: dt.date | None = None) -> list[FinderRow]:
    """Every open or upcoming track (filtered by office and region) as this organisation stands against it, with
    its own application to each where it has one. A fixed number of queries."""
    on = on or office_today()
    tracks = finder_tracks(on=on, office=office, region=region)
    facts = facts_for(organisation_id=organisation.pk, requested_amount=None, matching_funds=None, on=on)
    applications = {}
    if tracks:
        for application in (Application.objects.filter(organisation=organisation, track__in=[t.pk for t in tracks])
                            .exclude(status=Status.WITHDRAWN).only("pk", "track_id", "status", "reference")
                            .order_by("pk")):
            applications[application.track_id] = application
    with regions_cached(region_codes(tracks)):
        matches = match_tracks(facts, tracks, on)
        return _sorted(_rows(matches, organisation_id=organisation.pk, applications=applications), sort)


@dataclass(frozen=True)
class QuickProfile:
    """What a visitor enters for the anonymous check; nothing of it is stored."""

    region: object  # organisations.Region, loaded with its parents
    org_type: str
    revenue: Decimal | None = None  # yuan, a year
    rd_spend: Decimal | None = None
    ip_spend: Decimal | None = None
    invention_patents: int = 0
    other_patents: int = 0  # utility models
    certifications: tuple[str, ...] = ()  # standards held, valid now
    legal_person: bool = True


# Figures entered once stand for each of the last years a rule reads; patents entered as a count are taken as valid
# and granted before any date a guide names.
QUICK_YEARS = 3
QUICK_GRANTED = dt.date(2000, 1, 1)


def quick_rows(profile: QuickProfile, *, office: str = "", region: str = "", sort: str = "amount",
               on: dt.date | None = None) -> list[FinderRow]:
    """The anonymous quick check: the same list for a profile held in memory only. Reads the tracks, their rules and
    the regions they name; writes nothing."""
    on = on or office_today()
    organisation = Organisation(name="", region=profile.region, org_type=profile.org_type,
                                is_legal_person=profile.legal_person)
    years = []
    if profile.revenue is not None or profile.rd_spend is not None:
        years = [FinancialYear(year=on.year - n, sales_revenue=profile.revenue or Decimal(0),
                               rd_spend=profile.rd_spend or Decimal(0), ip_spend=profile.ip_spend or Decimal(0))
                 for n in range(1, QUICK_YEARS + 1)]
    patents = [Patent(kind=PatentKind.INVENTION, number=f"i{n}", granted_on=QUICK_GRANTED)
               for n in range(profile.invention_patents)]
    patents += [Patent(kind=PatentKind.UTILITY, number=f"u{n}", granted_on=QUICK_GRANTED)
                for n in range(profile.other_patents)]
    certificates = [Certification(standard=s, valid_from=on - dt.timedelta(days=365),
                                  valid_until=on + dt.timedelta(days=365)) for s in profile.certifications]
    facts = facts_for_unsaved(organisation, financial_years=years, patents=patents, certifications=certificates,
                              on=on)
    tracks = finder_tracks(on=on, office=office, region=region)
    with regions_cached(region_codes(tracks)):
        return _sorted(_rows(match_tracks(facts, tracks, on), organisation_id=None), sort)


def certification_standards(on: dt.date | None = None) -> list[str]:
    """The standards the open and upcoming tracks ask for (the quick check's choices)."""
    on = on or office_today()
    params = (EligibilityRule.objects.active()
              .filter(kind=RuleKind.CERTIFICATION, track__archived_at__isnull=True,
                      track__program__call_closes__gte=on).values_list("params", flat=True))
    return sorted({str(p.get("standard")) for p in params if isinstance(p, dict) and p.get("standard")})


def office_choices(user=None) -> list[tuple[str, str]]:
    """The offices that publish programs (code, name); for staff (``user``), those whose figures they may read."""
    offices = Office.objects.filter(programs__archived_at__isnull=True)
    if user is not None:
        offices = offices.filter(code__in=offices_read_by(user).values("code"))
    return list(offices.order_by("code").values_list("code", "name").distinct())


# --- the office's demand forecast ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRow:
    track: Track
    state: str
    before: DemandSnapshot | None
    after: DemandSnapshot | None
    started: int  # applications started (not withdrawn)
    submitted: int  # of them, submitted at least once


def forecast_rows(user, *, office: str = "", on: dt.date | None = None) -> list[ForecastRow]:
    """Each open or upcoming track of the offices whose figures ``user`` may read (its own, and those below that
    let their parent read; narrowed to ``office``) with how many organisations matched it before its call opened
    and since, and how many applied. Four queries whatever the number of tracks."""
    on = on or office_today()
    tracks = finder_tracks(on=on, office=office, scope=office_scope(user, "program__office"))
    ids = [t.pk for t in tracks]
    snapshots = {(s.track_id, s.phase): s for s in DemandSnapshot.objects.filter(track_id__in=ids)}
    applied = {row["track_id"]: row for row in Application.objects.filter(track_id__in=ids)
               .exclude(status=Status.WITHDRAWN).values("track_id")
               .annotate(started=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))}
    return [ForecastRow(track=t, state=call_state(t, on), before=snapshots.get((t.pk, Phase.BEFORE)),
                        after=snapshots.get((t.pk, Phase.AFTER)),
                        started=applied.get(t.pk, {}).get("started", 0),
                        submitted=applied.get(t.pk, {}).get("submitted", 0)) for t in tracks]


VERDICT_COLUMNS = list(VERDICTS.values())
