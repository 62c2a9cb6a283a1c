from django.core.management.base import BaseCommand

from jobs import pdf_fonts
from jobs.models import PdfWithoutFont


class Command(BaseCommand):
    help = "Render again the generated PDFs made while no CJK font was installed (their Chinese shows as boxes)."

    def handle(self, *args, **options) -> None:
        waiting = PdfWithoutFont.objects.filter(font_installed=False).count()
        if not pdf_fonts.cjk_font_available():
            if waiting:
                self.stderr.write(self.style.WARNING(
                    f"No CJK font is installed: {waiting} PDF(s) show boxes instead of Chinese. Install "
                    "fonts-wqy-microhei, then run this command again."))
            return
        queued = pdf_fonts.rerender_without_font()
        if queued or options["verbosity"] > 1:
            self.stdout.write(f"Queued {queued} PDF(s) made without a CJK font to be rendered again.")
