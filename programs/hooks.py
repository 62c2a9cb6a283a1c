"""Hooks through which higher apps add to programs' pages without programs importing them.

A panel provider takes (request, track) and returns (template name, context) or None; the track
page renders each returned panel. ``applications`` registers the eligibility pre-check in its
``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

TrackPanel = Callable[..., "tuple[str, dict] | None"]
TRACK_PANELS: list[TrackPanel] = []


def register_track_panel(func: TrackPanel) -> TrackPanel:
    if func not in TRACK_PANELS:
        TRACK_PANELS.append(func)
    return func


def track_panels(request, track) -> list[tuple[str, dict]]:
    return [panel for provider in TRACK_PANELS if (panel := provider(request, track)) is not None]
