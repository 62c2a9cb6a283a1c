import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.services import BudgetData, PartnerData, SubmissionData
from organisations.models import FinancialYear, Membership, MembershipRole, Organisation
from programs.models import Material, Program, Track
from tests.organisations.factories import make_uscc

NANSHA = "nansha-2024-high-value-patent-center"
_seq = count(1)
DECLARATION = "本单位承诺所填报的信息真实、准确、完整。"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_org(user, *, name=None, region="440115", org_type="enterprise", rd_percent="4", ip_percent="5"):
    n = next(_seq)
    org = Organisation.objects.create(
        name=name or f"广州南沙测试科技有限公司{n}", uscc=make_uscc(500000 + n, region),
        region_id=region, org_type=org_type, is_legal_person=True, full_time_staff=50,
    )
    Membership.objects.create(organisation=org, user=user, role=MembershipRole.OWNER)
    year = timezone.localdate().year
    for y in range(year - 3, year):
        FinancialYear.objects.create(
            organisation=org, year=y, sales_revenue=Decimal("10000000"),
            rd_spend=Decimal("100000") * Decimal(rd_percent), ip_spend=Decimal("1000") * Decimal(rd_percent)
            * Decimal(ip_percent),
        )
    return org


def open_call(program: Program) -> None:
    today = timezone.localdate()
    Program.objects.filter(pk=program.pk).update(call_opens=today - dt.timedelta(days=1),
                                                 call_closes=today + dt.timedelta(days=30))
    program.refresh_from_db()


@pytest.fixture
def nansha(db) -> Track:
    track = Track.objects.select_related("program").get(program__code=NANSHA)
    open_call(track.program)
    # The guide lists no materials; an officer adds the application book as a required upload.
    Material.objects.get_or_create(track=track, seq=1, defaults={"title": "项目申报书", "required": True})
    return track


@pytest.fixture
def org(applicant):
    return make_org(applicant)


@pytest.fixture
def other_org(other_applicant):
    return make_org(other_applicant, name="另一家公司")


def valid_draft(track: Track) -> dict[str, str]:
    data = {
        "title": "南沙新能源电池高价值专利组合培育",
        "plan": "建设高价值专利培育布局中心，培育发明专利组合。",
        "requested_amount": "300000", "matching_funds": "100000", "matching_committed": "on",
        "partners-TOTAL_FORMS": "2", "partners-INITIAL_FORMS": "0",
        "partners-0-name": "华南理工大学", "partners-0-org_type": "university", "partners-0-uscc": "124400004554162268",
        "partners-0-role": "专利挖掘",
        "budget-TOTAL_FORMS": "2", "budget-INITIAL_FORMS": "0",
        "budget-0-item": "专利申请与代理费", "budget-0-source": "grant", "budget-0-amount": "300000",
        "budget-1-item": "研发人员", "budget-1-source": "matching", "budget-1-amount": "100000",
        "declaration": "on",
    }
    for kpi in track.kpis.all():
        if kpi.qualitative:
            data[f"kpinote_{kpi.pk}"] = "按期完成"
        else:
            data[f"kpi_{kpi.pk}"] = f"{kpi.target.normalize():f}"
    return data


def valid_submission(track: Track) -> SubmissionData:
    kpis = {k.pk: ((None, "按期完成") if k.qualitative else (k.target, "")) for k in track.kpis.all()}
    return SubmissionData(
        title="南沙新能源电池高价值专利组合培育", plan="建设高价值专利培育布局中心。",
        requested_amount=Decimal("300000.00"), matching_funds=Decimal("100000.00"), matching_committed=True,
        partners=[PartnerData(name="华南理工大学", org_type="university")], kpis=kpis,
        budget=[BudgetData("专利申请与代理费", "grant", Decimal("300000.00")),
                BudgetData("研发人员", "matching", Decimal("100000.00"))],
        declaration=DECLARATION,
    )


def pdf_upload(name="申报书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def draft(applicant, org, nansha):
    application = services.application_start(actor=applicant, track=nansha, organisation=org)
    return services.application_save_draft(actor=applicant, application=application, data=valid_draft(nansha))


@pytest.fixture
def ready_draft(applicant, draft, nansha):
    services.material_upload(actor=applicant, application=draft, material=nansha.materials.get(seq=1),
                             uploaded_file=pdf_upload())
    return draft


@pytest.fixture
def submitted(applicant, ready_draft, nansha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.application_submit(actor=applicant, application=ready_draft,
                                           data=valid_submission(nansha))


def decide_all(officer, application, decision="met", note="经核查符合") -> None:
    """The officer judges every officer-judged condition of the submitted version."""
    from applications.selectors import conditions_to_decide

    for condition in conditions_to_decide(application):
        services.condition_decide(actor=officer, application=application, rule_id=int(condition["rule_id"]),
                                  decision=decision, note=note)
