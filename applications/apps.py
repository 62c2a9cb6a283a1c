from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from audit.services import register_office_path
        from notifications.registry import register_kind, register_reminder_source
        from organisations.hooks import register_staff_scope
        from programs.hooks import register_track_panel

        from . import notices, reminders
        from .models import Application
        from .prechecks import track_precheck_panel
        from .selectors import organisation_scope

        register_office_path(Application, "track__program__office")

        register_track_panel(track_precheck_panel)
        register_staff_scope(organisation_scope)
        for kind in notices.KINDS:
            register_kind(kind)
        register_reminder_source(reminders.due)
