from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    name = "finder"
    verbose_name = _("Funding finder")

    def ready(self) -> None:
        from jobs.registry import register_job_kind
        from notifications.registry import register_kind, register_reminder_source

        from . import jobs, notices, reminders

        register_kind(notices.CALL_MATCHED)
        register_reminder_source(reminders.due)
        for kind in jobs.KINDS:
            register_job_kind(kind)
