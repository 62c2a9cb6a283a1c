"""Earlier editions of the loaded programs, for the benchmark: a province runs the same programs year after year,
so its expert reviews, projects and audit trail come mostly from past rounds. Each loaded program is copied
with its tracks and their tranches, KPI groups, KPIs, rules and materials under a marked code (``bench-``) and
an earlier year; ``clear()`` removes the copies."""

from __future__ import annotations

from django.db import models

from programs.models import KPI, EligibilityRule, KPIGroup, Material, Program, Track, Tranche

CODE_PREFIX = "bench-"


def clear() -> None:
    Program.objects.filter(code__startswith=CODE_PREFIX).delete()


def _copy(obj: models.Model, **changes) -> models.Model:
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    values.update(changes)
    return type(obj)(**values)


def clone_programs(editions: int) -> list[Track]:
    """Copy every loaded program ``editions`` times (one and more years earlier); return the copies' tracks."""
    originals = list(Program.objects.exclude(code__startswith=CODE_PREFIX).order_by("pk"))
    tracks: list[Track] = []
    for edition in range(1, editions + 1):
        for program in originals:
            copy = _copy(program, code=f"{CODE_PREFIX}{program.code}-e{edition}"[:80], year=program.year - edition,
                         reference_prefix=f"H{edition}{program.reference_prefix}"[:20],
                         call_opens=None, call_closes=None)
            copy.save()
            for track in program.tracks.order_by("pk"):
                new = _copy(track, program_id=copy.pk)
                new.save()
                groups = {}
                for group in KPIGroup.objects.filter(track=track):
                    groups[group.pk] = _copy(group, track_id=new.pk)
                    groups[group.pk].save()
                KPI.objects.bulk_create(
                    _copy(k, track_id=new.pk, group_id=groups[k.group_id].pk if k.group_id else None)
                    for k in KPI.objects.filter(track=track))
                for model in (Tranche, EligibilityRule, Material):
                    model.objects.bulk_create(_copy(row, track_id=new.pk) for row in model.objects.filter(track=track))
                tracks.append(new)
    return tracks
