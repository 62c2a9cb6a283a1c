from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from audit.services import register_office_path

        from .models import Office

        register_office_path(Office, "pk")
