"""Make every blind reviewer's PDF again, after the withholding rules changed (run once after deploying them).

    manage.py redact_dossiers_again
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reviews.services import dossiers_redact_again


class Command(BaseCommand):
    help = "Make every redacted reviewer's PDF again with the current withholding rules."

    def handle(self, *args, **options):
        count = dossiers_redact_again()
        self.stdout.write(_("%(count)d reviewer's PDFs queued to be made again.") % {"count": count})
