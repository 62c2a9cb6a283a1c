"""Hooks through which higher apps add to an application's page without applications importing them.

A panel provider takes (request, application) and returns (template name, context) or None; the application page
renders each returned panel with its context as ``panel``. ``reviews`` registers the approval notice in its
``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

ApplicationPanel = Callable[..., "tuple[str, dict] | None"]
APPLICATION_PANELS: list[ApplicationPanel] = []


def register_application_panel(func: ApplicationPanel) -> ApplicationPanel:
    if func not in APPLICATION_PANELS:
        APPLICATION_PANELS.append(func)
    return func


def application_panels(request, application) -> list[tuple[str, dict]]:
    return [panel for provider in APPLICATION_PANELS if (panel := provider(request, application)) is not None]
