from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and guides")

    def ready(self) -> None:
        from audit.services import register_office_path

        from .models import Program, Track

        register_office_path(Program, "office")
        register_office_path(Track, "program__office")
