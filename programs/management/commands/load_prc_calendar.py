from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from programs.calendar_services import calendar_load_package


class Command(BaseCommand):
    help = ("Add to the working calendar the years the installed chinese-calendar package knows (run after "
            "upgrading it); years already in the calendar are kept as they are.")

    def handle(self, *args, **options):
        added = calendar_load_package()
        if added:
            self.stdout.write(_("Added %(years)s.") % {"years": ", ".join(map(str, added))})
        else:
            self.stdout.write(_("The calendar already holds every year the package knows."))
