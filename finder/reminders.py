"""Calls find organisations (政策找企业): a reminder source for the daily sweep (registered in FinderConfig.ready()).

Every open call is matched against every registered organisation in bulk (finder.matching.bulk_match: a fixed
number of queries whatever their number); the members of each organisation that is eligible or nearly eligible (one
rule it can fix) receive one notice per call, naming its tracks and the reasons (tracks it has already applied
to left out). The sweep's sent-once key
(recipient, kind, the program, the day the call opened) sends it once however often the sweep runs, and again only
if the office opens a new window; an organisation registered while the call is open is told at the next sweep."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from applications.models import Application, Status
from notifications.registry import Reminder
from organisations.selectors import active_members

from .matching import bulk_match, finder_tracks, registered_organisations
from .notices import CALL_MATCHED
from .verdicts import NEAR, VERDICTS

MAX_TRACKS_NAMED = 10  # in one notice, per organisation; the finder's page lists them all


def _line(organisation, match) -> str:
    """One track the organisation fits, in the reader's (active) language."""
    track = match.track
    text = gettext("%(organisation)s — %(track)s: %(verdict)s") % {
        "organisation": organisation.name, "track": f"{track.code}. {track.title}",
        "verdict": VERDICTS[match.verdict].label}
    if match.verdict == NEAR:
        text += " (" + "; ".join(r.reason for r in match.failing) + ")"
    return "• " + text


def _matches_text(found: list, language: str) -> str:
    with translation.override(language):
        lines = [_line(organisation, match) for organisation, match in found[:MAX_TRACKS_NAMED]]
        if len(found) > MAX_TRACKS_NAMED:
            lines.append(gettext("… and %(n)s more") % {"n": len(found) - MAX_TRACKS_NAMED})
        return "\n".join(lines)


def due(today: dt.date) -> Iterator[Reminder]:
    tracks = finder_tracks(on=today, open_only=True)
    if not tracks:
        return
    demands = bulk_match(tracks, registered_organisations(), today)
    # An organisation that has already applied to a track (a draft counts) is not told of it again.
    applied = set(Application.objects.filter(track__in=[t.pk for t in tracks]).exclude(status=Status.WITHDRAWN)
                  .values_list("organisation_id", "track_id"))
    by_program: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))  # program → organisation
    programs = {}
    for demand in demands:
        programs[demand.track.program_id] = demand.track.program
        for organisation, match in demand.pushed:
            if (organisation.pk, demand.track.pk) in applied:
                continue
            by_program[demand.track.program_id][organisation.pk].append((organisation, match))
    members = active_members({pk for found in by_program.values() for pk in found})
    for program_id, found in by_program.items():
        program = programs[program_id]
        for_user: dict[int, tuple] = {}
        for organisation_id, matches in found.items():
            for user in members.get(organisation_id, []):
                for_user.setdefault(user.pk, (user, []))[1].extend(matches)
        for user, matches in for_user.values():
            language = user.language or settings.LANGUAGE_CODE
            yield Reminder(recipient=user, kind=CALL_MATCHED.code, target=program, due_date=program.call_opens,
                           values={"program": str(program), "issuer": program.issuer,
                                   "deadline": program.call_closes, "matches": _matches_text(matches, language)})
