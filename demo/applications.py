"""Demo applications in every state, made through the same services applicants and officers use.

Each is found again by its title, so running the command twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from applications import services
from applications.forms import DECLARATION_TEXT
from applications.models import Application
from applications.selectors import conditions_to_decide
from applications.services import BudgetData, PartnerData, SubmissionData
from programs.models import Track

NANSHA = "nansha-2024-high-value-patent-center"
# A minimal valid PDF: the demo "项目申报书" upload.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")

# (title, the steps after starting it). Titles say what the demo shows.
DEMO_APPLICATIONS = [
    ("【演示】新能源电池专利组合培育（草稿）", ()),
    ("【演示】智能制造高价值专利培育（待形式审查）", ("submit",)),
    ("【演示】海洋装备专利布局（已退回修改）", ("submit", "return")),
    ("【演示】生物医药专利导航（已通过形式审查）", ("submit", "decide", "pass")),
    ("【演示】跨境电商商标品牌培育（形式审查不通过）", ("submit", "refuse")),
    ("【演示】芯片设计专利运营（已撤回）", ("submit", "withdraw")),
]


def _submission(track: Track, title: str) -> SubmissionData:
    kpis = {k.pk: ((None, "按年度计划推进，按期完成") if k.qualitative else (k.target, "")) for k in track.kpis.all()}
    return SubmissionData(
        title=title,
        plan="一、项目实施的重要意义\n围绕南沙区重点产业，建设高价值专利培育布局中心。\n"
             "二、实施背景和工作目标\n依托企业研发中心，培育发明专利组合。\n"
             "三、主要措施和实施方式\n开展专利导航、专利挖掘与布局，建立专利运营机制。",
        requested_amount=Decimal("300000.00"), matching_funds=Decimal("100000.00"), matching_committed=True,
        partners=[PartnerData(name="华南理工大学", org_type="university", role="专利挖掘与导航分析")],
        kpis=kpis,
        budget=[BudgetData("专利申请与代理费", "grant", Decimal("200000.00")),
                BudgetData("专利导航分析服务", "grant", Decimal("100000.00")),
                BudgetData("研发人员投入", "matching", Decimal("100000.00"))],
        declaration=str(DECLARATION_TEXT),
    )


def draft_of(data: SubmissionData) -> dict[str, str]:
    draft = {"title": data.title, "plan": data.plan, "requested_amount": f"{data.requested_amount}",
             "matching_funds": f"{data.matching_funds}", "matching_committed": "on", "declaration": "on",
             "partners-TOTAL_FORMS": str(len(data.partners)), "partners-INITIAL_FORMS": "0",
             "budget-TOTAL_FORMS": str(len(data.budget)), "budget-INITIAL_FORMS": "0"}
    for i, p in enumerate(data.partners):
        draft.update({f"partners-{i}-name": p.name, f"partners-{i}-org_type": p.org_type,
                      f"partners-{i}-role": p.role})
    for i, b in enumerate(data.budget):
        draft.update({f"budget-{i}-item": b.item, f"budget-{i}-source": b.source,
                      f"budget-{i}-amount": f"{b.amount}"})
    for kpi_id, (value, note) in data.kpis.items():
        draft[f"kpinote_{kpi_id}" if value is None else f"kpi_{kpi_id}"] = note if value is None else f"{value}"
    return draft


def seed_applications(*, applicant, officer, organisation) -> int:
    """Create the demo applications that do not exist yet; return how many were created."""
    track = Track.objects.filter(program__code=NANSHA, code="1").select_related("program").first()
    if track is None:
        return 0
    existing = set(Application.objects.filter(organisation=organisation, track=track).values_list("title", flat=True))
    created = 0
    for title, steps in DEMO_APPLICATIONS:
        if title in existing:
            continue
        with transaction.atomic():
            _make(track, title, steps, applicant=applicant, officer=officer, organisation=organisation)
        created += 1
    return created


def _make(track: Track, title: str, steps, *, applicant, officer, organisation) -> None:
    data = _submission(track, title)
    application = services.application_start(actor=applicant, track=track, organisation=organisation)
    application = services.application_save_draft(actor=applicant, application=application, data=draft_of(data))
    material = track.materials.filter(required=True).first()
    if material is not None:
        services.material_upload(actor=applicant, application=application, material=material,
                                 uploaded_file=SimpleUploadedFile("项目申报书.pdf", DEMO_PDF, "application/pdf"))
    for step in steps:
        if step == "submit":
            application = services.application_submit(actor=applicant, application=application, data=data)
        elif step == "return":
            application = services.application_return(actor=officer, application=application,
                                                      reason="请补充合作单位的具体任务分工和合作协议。")
        elif step == "decide":
            for condition in conditions_to_decide(application):
                services.condition_decide(actor=officer, application=application,
                                          rule_id=int(condition["rule_id"]), decision="met",
                                          note="演示：已核查相关证明材料，符合要求。")
        elif step == "pass":
            application = services.application_pass(actor=officer, application=application)
        elif step == "refuse":
            application = services.application_refuse(actor=officer, application=application,
                                                      reason="演示：申报内容不属于本项目支持范围。")
        elif step == "withdraw":
            application = services.application_withdraw(actor=applicant, application=application,
                                                         reason="演示：单位决定下一年度再申报。")
