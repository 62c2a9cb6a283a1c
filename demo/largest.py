"""The largest application the forms allow, and its project: for measuring the PDFs (the application book and the
task book) and for the tests that keep them fast and complete.

The application is made through the same services an applicant and an officer use, on the track with the most
rows (Guangdong 2021, track 2: 23 KPIs, five materials, a joint application without a partner limit), with every
field at its limit: a 200-character title, a plan of ``PLAN_MAX_CHARS``, as many partners as ``row_limits`` allows
(each name 200 characters, tasks 300), ``MAX_BUDGET_LINES`` budget lines of ``BUDGET_ITEM_MAX`` characters, every
qualitative KPI's note at 500 characters, ``MATERIAL_FILES_MAX`` files of 255-character names for every material,
and every officer-judged condition decided with a note of ``CONDITION_NOTE_MAX``. The project is opened from it the
way the test suite opens one (``project_open`` on the approved application; the funding decision's own services are
exercised by their tests).

``pdf_timings()`` renders both PDFs (after one warm-up render, as in a worker) and returns the best of ``runs``
wall-clock times with the page counts; ``manage.py benchmark`` can print it.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from applications import services
from applications.forms import DECLARATION_TEXT
from applications.inputs import (
    BUDGET_ITEM_MAX,
    CONDITION_NOTE_MAX,
    MATERIAL_FILES_MAX,
    MAX_BUDGET_LINES,
    PLAN_MAX_CHARS,
    row_limits,
)
from applications.models import Application, Status
from applications.selectors import conditions_to_decide
from applications.services import BudgetData, PartnerData, SubmissionData
from demo.applications import draft_of
from milestones.models import Project
from organisations.models import Membership, MembershipRole, Organisation
from organisations.uscc import check_character
from programs.models import Track
from programs.selectors import is_call_open
from programs.services import program_set_call_window

GUANGDONG = "guangdong-2021-ip-cluster-centers"
LARGEST_TRACK = "2"  # 23 KPIs (8 qualitative), 5 materials, partners required and not limited
KPI_NOTE_MAX = 500  # applications.forms.ApplicationForm: a qualitative KPI's note
TITLE_MAX = 200
NAME_MAX = 200  # an organisation's and a partner's name
PARTNER_ROLE_MAX = 300
FILE_NAME_MAX = 255
REGION = "440106"  # 广州市天河区
# A realistic mix of characters (the PDF embeds a subset of the font: the more distinct glyphs, the larger it is).
TEXT = ("本项目围绕战略性产业集群开展专利导航、高价值专利培育与运营，建设产业知识产权协同运营中心；"
        "依托高校院所与行业重点企业，建立专利信息专题数据库，按月编制专利技术分析简报，形成专利组合"
        "并推动转让、许可等转化实施。项目组配备专职人员，完善知识产权管理体系，开展维权援助、"
        "公益培训和法律宣传教育活动，建立展前知识产权风险排查机制，提供纠纷公益服务。")
_serial = count(1)


def text(length: int, start: int = 0) -> str:
    """``length`` characters of realistic Chinese prose, starting ``start`` characters into it."""
    repeated = TEXT * (length // len(TEXT) + 2)
    start %= len(TEXT)
    return repeated[start:start + length]


def _uscc(serial: int) -> str:
    first17 = f"51{REGION}MA{serial:07d}"[:17]  # 5: a social organisation's authority, 1: its type
    return first17 + check_character(first17)


def largest_track() -> Track:
    return Track.objects.select_related("program").get(program__code=GUANGDONG, code=LARGEST_TRACK)


def _user(username: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    user = user or User.objects.create_user(username=username, email=f"{username}@example.org", role=role,
                                            full_name=text(20, 7))
    if role == Role.OFFICER:
        member_of_every_office(user)
    return user


def member_of_every_office(user) -> None:
    """An officer made here works for every office, as the offices migration made every existing officer."""
    from offices.models import Office, OfficeMembership

    OfficeMembership.objects.bulk_create(
        [OfficeMembership(office=office, user=user) for office in Office.objects.all()], ignore_conflicts=True)


def _organisation(applicant: User) -> Organisation:
    serial = (Organisation.objects.aggregate(n=Max("pk"))["n"] or 0) + 900_000 + next(_serial)
    name = f"{serial}" + text(NAME_MAX - len(str(serial)) - 6, 3) + "知识产权服务"
    org = Organisation.objects.create(name=name[:NAME_MAX], uscc=_uscc(serial), region_id=REGION,
                                      org_type="ip_service", is_legal_person=True, full_time_staff=99_999)
    Membership.objects.create(organisation=org, user=applicant, role=MembershipRole.OWNER)
    return org


def _plan() -> str:
    """``PLAN_MAX_CHARS`` characters in paragraphs of about 300, as a plan is typed."""
    paragraphs, length, n = [], 0, 0
    while length < PLAN_MAX_CHARS:
        paragraph = f"{n + 1}、" + text(296, n * 17)
        paragraphs.append(paragraph)
        length += len(paragraph) + 1
        n += 1
    return "\n".join(paragraphs)[:PLAN_MAX_CHARS]


def largest_submission(track: Track) -> SubmissionData:
    partners = [
        PartnerData(name=(f"合作单位{i:02d}" + text(NAME_MAX, i * 11))[:NAME_MAX], org_type="enterprise",
                    uscc=_uscc(800_000 + i), role=(f"任务{i:02d}：" + text(PARTNER_ROLE_MAX, i * 5))[:PARTNER_ROLE_MAX],
                    share_percent=Decimal("9.99"))
        for i in range(1, row_limits(track)["partners"] + 1)
    ]
    half = MAX_BUDGET_LINES // 2
    grant = [BudgetData((f"{i:02d}" + text(BUDGET_ITEM_MAX, i * 13))[:BUDGET_ITEM_MAX], "grant",
                        Decimal("99999999.99")) for i in range(1, half + 1)]
    matching = [BudgetData((f"{i:02d}" + text(BUDGET_ITEM_MAX, i * 13))[:BUDGET_ITEM_MAX], "matching",
                           Decimal("88888888.88")) for i in range(half + 1, MAX_BUDGET_LINES + 1)]
    kpis = {}
    for kpi in track.kpis.filter(archived_at__isnull=True):
        if kpi.qualitative:
            kpis[kpi.pk] = (None, (f"指标{kpi.seq}：" + text(KPI_NOTE_MAX, kpi.seq * 7))[:KPI_NOTE_MAX])
        else:
            kpis[kpi.pk] = (Decimal("999999999999.99"), "")
    return SubmissionData(
        title=("【最大申报】" + text(TITLE_MAX, 1))[:TITLE_MAX], plan=_plan(),
        requested_amount=sum((b.amount for b in grant), Decimal(0)),
        matching_funds=sum((b.amount for b in matching), Decimal(0)), matching_committed=True,
        partners=partners, kpis=kpis, budget=grant + matching, declaration=str(DECLARATION_TEXT),
    )


def _draft(data: SubmissionData) -> dict[str, str]:
    """The form as the applicant saved it (the eligibility check reads the draft's figures and partners)."""
    draft = draft_of(data)
    for i, partner in enumerate(data.partners):
        draft.update({f"partners-{i}-uscc": partner.uscc, f"partners-{i}-share_percent": f"{partner.share_percent}"})
    return draft


def _upload(material, n: int) -> SimpleUploadedFile:
    stem = f"{material.seq}-{n:02d}-" + text(FILE_NAME_MAX, material.seq * 3 + n)
    name = stem[:FILE_NAME_MAX - 4] + ".pdf"
    content = b"%PDF-1.4\n% " + f"{material.pk}-{n}".encode() + b"\n%%EOF\n"  # different files, different sums
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@transaction.atomic
def largest_application(*, applicant: User | None = None, officer: User | None = None,
                        track: Track | None = None) -> Application:
    """Make the largest allowed application and pass it in formal review (every condition decided)."""
    track = track or largest_track()
    applicant = applicant or _user("largest_applicant", Role.APPLICANT)
    officer = officer or _user("largest_officer", Role.OFFICER)
    if not is_call_open(track.program):
        today = timezone.localdate()
        program_set_call_window(actor=officer, program=track.program, opens=today - dt.timedelta(days=1),
                                closes=today + dt.timedelta(days=30), reason="the largest allowed application")
        track = Track.objects.select_related("program").get(pk=track.pk)
    data = largest_submission(track)
    application = services.application_start(actor=applicant, track=track, organisation=_organisation(applicant))
    application = services.application_save_draft(actor=applicant, application=application, data=_draft(data))
    for material in track.materials.filter(archived_at__isnull=True):
        for n in range(1, MATERIAL_FILES_MAX + 1):
            services.material_upload(actor=applicant, application=application, material=material,
                                     uploaded_file=_upload(material, n))
    application = services.application_submit(actor=applicant, application=application, data=data)
    for i, condition in enumerate(conditions_to_decide(application)):
        services.condition_decide(actor=officer, application=application, rule_id=int(condition["rule_id"]),
                                  decision="met", note=text(CONDITION_NOTE_MAX, i * 19))
    return services.application_pass(actor=officer, application=application)


@transaction.atomic
def largest_project(application: Application, *, officer: User | None = None) -> Project:
    """Open the project of the largest application (approved here, as the project tests do)."""
    from milestones.services import project_open

    officer = officer or _user("largest_officer", Role.OFFICER)
    Application.objects.filter(pk=application.pk).update(status=Status.APPROVED)
    application.refresh_from_db()
    return project_open(actor=officer, application=application, award=application.requested_amount,
                        starts_on=timezone.localdate())


@dataclass(frozen=True)
class PdfTiming:
    seconds: float  # the best of the runs, wall clock
    cpu_seconds: float  # the best of the runs, this process's CPU time (what neighbours on a shared machine leave)
    runs: tuple[float, ...]
    pages: int
    size: int  # bytes


def _pages(pdf: bytes) -> int:
    try:
        import pypdf
    except ImportError:  # a test dependency: without it, no page count
        return 0
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _time(render, runs: int) -> PdfTiming:
    render()  # the first render loads the fonts, as a worker's first PDF does
    timings, cpu, pdf = [], [], b""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = render()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return PdfTiming(seconds=min(timings), cpu_seconds=min(cpu), runs=tuple(timings), pages=_pages(pdf),
                     size=len(pdf))


def pdf_timings(application: Application | None = None, project: Project | None = None, *,
                runs: int = 5) -> dict[str, PdfTiming]:
    """The application book's and the task book's render times (best of ``runs``) and page counts; makes the
    largest application and its project when none are given. Goals (issue 17): ≤ 1 s and ≤ 1.5 s."""
    from applications.exports import application_pdf
    from milestones.exports import task_book_pdf

    application = application or largest_application()
    project = project or Project.objects.filter(application=application).first() or largest_project(application)
    return {"application_pdf": _time(lambda: application_pdf(application), runs),
            "task_book_pdf": _time(lambda: task_book_pdf(project), runs)}
