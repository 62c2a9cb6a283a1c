"""Run the daily reminder sweep now: for a portal without a broker (cron it), or to catch up a missed day.

    manage.py send_reminders              # today (Asia/Shanghai)
    manage.py send_reminders --date 2026-12-01
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications.services import reminder_sweep


class Command(BaseCommand):
    help = "Send the reminders due today (each once, however often it runs)."

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="the day to sweep for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str, **options):
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date.strip())
            except ValueError:
                raise CommandError(_("--date: “%(value)s” is not a date; write it as YYYY-MM-DD, for example "
                                     "2026-12-01.") % {"value": date}) from None
        sent = reminder_sweep(today=day)
        self.stdout.write(_("%(count)d reminders sent.") % {"count": sent})
