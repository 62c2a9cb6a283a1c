from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run`: the one place allowed to reach every app (see ARCHITECTURE.md)."""

    name = "demo"
    verbose_name = _("Demo data")
