from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from programs.hooks import register_track_panel

        from .prechecks import track_precheck_panel

        register_track_panel(track_precheck_panel)
