"""Demo data for `make run`: one account per role, and every call opened for a demo period.

The guides' own windows are past or unstated; the fixtures keep what the guides say. This
command moves the windows (through the same service an officer uses), as demo data only.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from programs.models import Program
from programs.services import program_set_call_window

DEMO_PASSWORD = "ipgrants-demo"
DEMO_USERS = [
    ("applicant", Role.APPLICANT, "示例申报人"),
    ("applicant2", Role.APPLICANT, "另一申报人"),
    ("reviewer", Role.REVIEWER, "示例评审专家"),
    ("officer", Role.OFFICER, "示例项目主管"),
    ("admin", Role.ADMIN, "示例管理员"),
]


class Command(BaseCommand):
    help = "Create one demo account per role and open every program's call for a demo period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="How long the demo calls stay open.")

    @transaction.atomic
    def handle(self, *args, days: int, **options):
        users = {}
        for username, role, name in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
            user.role, user.full_name, user.email = role, name, f"{username}@example.org"
            user.is_staff = role == Role.ADMIN
            user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        today = timezone.localdate()
        opens, closes = today - dt.timedelta(days=1), today + dt.timedelta(days=days)
        for program in Program.objects.all():
            if program.call_opens == opens and program.call_closes == closes:
                continue
            program_set_call_window(
                actor=users["officer"], program=program, opens=opens, closes=closes,
                reason="demo: opened by seed_demo",
            )
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(u for u, *_ in DEMO_USERS)
            + f"; every call open {opens} – {closes}."
        )
