"""Demo data for `make run`: one account per role, every call opened for a demo period,
applications in every state, an expert review waiting for the demo reviewer and a funded project
(demo/projects.py) with a tranche due and a report waiting, so every dashboard has something to show
on first run.

The guides' own windows are past or unstated; the fixtures keep what the guides say. This
command moves the windows (through the same service an officer uses), as demo data only.
Offices: the demo officers (officer, checker) work for every office, as the migration made every existing
officer; each seed office also gets an officer of its own, on its staff only and as its administrator
(``officer-gz-nansha`` …), who sees only that office's programs: the Nansha officer cannot open Yuexiu's project.

Running it twice changes nothing.
"""

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core import background
from demo.applications import seed_applications
from demo.projects import seed_project
from demo.reviews import seed_review
from offices.models import Office, OfficeMembership, OfficeRole
from offices.services import staff_add
from organisations.models import FinancialYear, Membership, MembershipRole, Organisation
from programs.models import GuideStatus, Material, Origin, Program, Track
from programs.services import program_publish, program_set_call_window

DEMO_PASSWORD = "ipgrants-demo"
# A valid unified social credit code (GB 32100-2015) for an enterprise registered in Nansha (440115).
DEMO_USCC = "91440115MA59UE0T06"
OLD_DEMO_USCC = "91440101MA59TEST03"
DEMO_USERS = [
    ("applicant", Role.APPLICANT, "示例申报人"),
    ("applicant2", Role.APPLICANT, "另一申报人"),
    ("reviewer", Role.REVIEWER, "示例评审专家"),
    ("officer", Role.OFFICER, "示例项目主管"),
    ("checker", Role.OFFICER, "示例复核人"),  # confirms the payments officer requests (two people for every payment)
    ("admin", Role.ADMIN, "示例管理员"),
]


class Command(BaseCommand):
    help = "Create one demo account per role and open every program's call for a demo period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="How long the demo calls stay open.")

    def handle(self, *args, days: int, **options):
        with transaction.atomic():
            message = self._seed(days)
        # The services queue their PDFs and emails on commit, on the background thread when there is no broker:
        # finish them here, while the command can still queue the jobs they queue in turn.
        background.wait(timeout=120)
        self.stdout.write(message)

    def _seed(self, days: int) -> str:
        users = {username: self._demo_user(username, role, name) for username, role, name in DEMO_USERS}
        office_officers = self._office_officers(users)
        today = timezone.localdate()
        opens, closes = today - dt.timedelta(days=1), today + dt.timedelta(days=days)
        for program in Program.objects.all():
            if program.call_opens == opens and program.call_closes == closes:
                continue
            program_set_call_window(
                actor=users["officer"], program=program, opens=opens, closes=closes,
                reason="demo: opened by seed_demo",
            )
        # A draft for comment takes no applications until an officer publishes it; the demo publishes it.
        for program in Program.objects.filter(guide_status=GuideStatus.DRAFT_FOR_COMMENT, published_at__isnull=True):
            program_publish(actor=users["officer"], program=program,
                            reason="demo: published by seed_demo so the draft's tracks can be tried")
        organisation = self._demo_organisation(users["applicant"])
        self._demo_material()
        created = seed_applications(applicant=users["applicant"], officer=users["officer"], organisation=organisation)
        seed_review(reviewer=users["reviewer"], officer=users["officer"])
        project = seed_project(applicant=users["applicant"], officer=users["officer"], reviewer=users["reviewer"],
                               organisation=organisation)
        return (
            f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(u for u, *_ in DEMO_USERS)
            + "; one officer per office, on its staff only and its administrator: " + ", ".join(office_officers)
            + f"; every call open {opens} – {closes}; {created} demo applications created"
            + (f"; demo project {project.application.reference} opened." if project else "; no demo project created.")
        )

    def _office_officers(self, users: dict[str, User]) -> list[str]:
        """The demo officers work for every office; each office has an officer (its administrator) of its own."""
        names = []
        for office in Office.objects.order_by("code"):
            for username in ("officer", "checker"):
                if not OfficeMembership.objects.filter(office=office, user=users[username]).exists():
                    staff_add(actor=users["admin"], office=office, account=username)
            username = f"officer-{office.code}"
            user = self._demo_user(username, Role.OFFICER, f"{office.name}业务人员")
            if not OfficeMembership.objects.filter(office=office, user=user).exists():
                staff_add(actor=users["admin"], office=office, account=username, role=OfficeRole.ADMIN)
            names.append(username)
        return names

    def _demo_user(self, username: str, role: str, name: str) -> User:
        """The account as the demo describes it; saved only when something differs (idempotent)."""
        user = User.objects.filter(username=username).first() or User(username=username)
        wanted = {"role": role, "full_name": name, "email": f"{username}@example.org",
                  "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN}
        changed = user.pk is None or any(getattr(user, k) != v for k, v in wanted.items())
        for key, value in wanted.items():
            setattr(user, key, value)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        return user

    def _demo_organisation(self, user) -> Organisation:
        """A Nansha enterprise for the demo applicant, with three years of figures (R&D 4 %, IP 5 % of R&D)."""
        # Earlier demos used a code with an "S", which the portal's own check refuses: repair it.
        Organisation.objects.filter(uscc=OLD_DEMO_USCC).update(uscc=DEMO_USCC)
        org, _created = Organisation.objects.get_or_create(
            uscc=DEMO_USCC,
            defaults={"name": "广州南沙示例科技有限公司", "region_id": "440115", "org_type": "enterprise",
                      "is_legal_person": True, "full_time_staff": 120},
        )
        Membership.objects.update_or_create(organisation=org, user=user, defaults={"role": MembershipRole.OWNER})
        year = timezone.localdate().year
        for y in range(year - 3, year):
            FinancialYear.objects.update_or_create(
                organisation=org, year=y,
                defaults={"sales_revenue": Decimal("50000000"), "rd_spend": Decimal("2000000"),
                          "ip_spend": Decimal("100000")},
            )
        return org

    def _demo_material(self) -> None:
        """The Nansha guide lists no materials; as demo data, the office asks for the application book."""
        track = Track.objects.filter(program__code="nansha-2024-high-value-patent-center", code="1").first()
        if track and not track.materials.filter(origin=Origin.OFFICE).exists():
            # Added by the office (origin=office, numbered from 1000): reloading the guide keeps it.
            Material.objects.create(track=track, seq=1000, origin=Origin.OFFICE, title="项目申报书", required=True,
                                    note="演示数据：指南未列明申报材料，由主管部门补充")
