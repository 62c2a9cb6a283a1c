"""Hooks through which higher apps add to an office's page without offices importing them.

A panel provider takes (request, office) and returns (template name, context) or None; the office page renders
each returned panel. ``reviews`` registers the office's expert pool in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

OfficePanel = Callable[..., "tuple[str, dict] | None"]
OFFICE_PANELS: list[OfficePanel] = []


def register_office_panel(func: OfficePanel) -> OfficePanel:
    if func not in OFFICE_PANELS:
        OFFICE_PANELS.append(func)
    return func


def office_panels(request, office) -> list[tuple[str, dict]]:
    return [panel for provider in OFFICE_PANELS if (panel := provider(request, office)) is not None]
