from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("KPI milestones and tranches")

    def ready(self) -> None:
        from notifications.registry import register_kind, register_reminder_source

        from . import notices, reminders

        for kind in notices.KINDS:
            register_kind(kind)
        for source in reminders.SOURCES:
            register_reminder_source(source)
