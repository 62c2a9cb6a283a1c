from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("KPI milestones and tranches")

    def ready(self) -> None:
        from audit.services import register_office_path
        from jobs.registry import register_job_kind
        from notifications.registry import register_kind, register_reminder_source

        from . import jobs, notices, reminders
        from .models import Acceptance, KpiReport, MidtermCheck, Project, ProjectTranche

        register_office_path(Project, "application__track__program__office")
        for model in (ProjectTranche, Acceptance, MidtermCheck, KpiReport):
            register_office_path(model, "project__application__track__program__office")

        for kind in notices.KINDS:
            register_kind(kind)
        for source in reminders.SOURCES:
            register_reminder_source(source)
        for job_kind in jobs.KINDS:
            register_job_kind(job_kind)
