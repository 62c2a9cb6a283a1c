from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Expert review")

    def ready(self) -> None:
        from applications.hooks import register_application_panel
        from audit.services import register_office_path
        from jobs.registry import register_job_kind
        from notifications.registry import register_kind, register_reminder_source
        from offices.hooks import register_office_panel

        from . import appeal_notices, jobs, notices, reminders
        from .appeal_views import appeal_panel, exclusions_panel
        from .models import (
            Appeal,
            Assignment,
            Award,
            Dossier,
            Objection,
            Review,
            ReviewerProfile,
            ReviewRound,
            TieOrder,
        )
        from .panels import application_notice_panel, office_pool_panel

        register_office_path(ReviewerProfile, "office")
        register_office_path(ReviewRound, "track__program__office")
        register_office_path(Review, "assignment__round__track__program__office")
        for model in (Assignment, Award, Objection, TieOrder):
            register_office_path(model, "round__track__program__office")
        for model in (Appeal, Dossier):
            register_office_path(model, "application__track__program__office")
        register_office_panel(office_pool_panel)

        for kind in (*notices.KINDS, *appeal_notices.KINDS):
            register_kind(kind)
        register_reminder_source(reminders.due)
        register_reminder_source(reminders.publicity_ending)
        for job_kind in jobs.KINDS:
            register_job_kind(job_kind)
        register_application_panel(application_notice_panel)
        register_application_panel(appeal_panel)
        register_application_panel(exclusions_panel)
