from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Each role's start page. It sits at the top: it reads the apps below and nothing imports it."""

    name = "dashboards"
    verbose_name = _("Dashboards")
