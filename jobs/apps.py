from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def cjk_font_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from . import pdf_fonts

    if pdf_fonts.cjk_font_available():
        return []
    return [checks.Warning(
        "No CJK font is installed: generated PDFs show boxes instead of Chinese.",
        hint="Install one (apt-get install fonts-wqy-microhei), then run `manage.py rerender_pdfs` to render again "
             "the PDFs made meanwhile (`make run` does both).",
        id="jobs.W001")]


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from .pdf_fonts import install_filters

        install_filters()
        checks.register(cjk_font_check)
