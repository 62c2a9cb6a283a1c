import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from applications.exports import application_pdf
from applications.models import Application, ApplicationVersion, Status
from core.templatetags.money import wan, yuan
from organisations.models import Organisation
from programs.models import Material, Track

pytestmark = pytest.mark.django_db

TITLE = "南沙新能源电池高价值专利组合培育"
ORG_NAME = "广州南沙测试科技有限公司"
REFERENCE = "NS2024-01-0001"
SHA = "3f9a1c7e5b2d40aa9e0c8f7d6b5a4c3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b"

ON_COVER = (
    TITLE,
    ORG_NAME,
    REFERENCE,
    "91440101MA59ABCDE1",
    "2024年度南沙区高价值专利培育布局中心建设项目",
    "高价值专利培育布局中心建设",
    "2024-07-0110:30",  # 02:30 UTC in Asia/Shanghai, whitespace squashed
)
IN_SECTIONS = (
    "广东省广州市南沙区",
    "华南理工大学",
    "组建高价值专利培育中心",
    "专利检索与导航分析服务",
    "120,000.00",
    "300,000.00",
    "100,000.00",
    "依托研发中心落实：每个专利组合的发明专利",
    "近三年研发投入占销售收入的比例原则上不低于3%",
    "营业执照.pdf",
    SHA[:12],
)


@pytest.fixture
def track():
    return Track.objects.select_related("program").get(
        program__code="nansha-2024-high-value-patent-center", code="1"
    )


@pytest.fixture
def organisation():
    return Organisation.objects.create(
        name=ORG_NAME, uscc="91440101MA59ABCDE1", region_id="440115", org_type="enterprise",
        full_time_staff=86,
    )


@pytest.fixture
def material(track):
    # The Nansha guide lists no materials; one is added so the materials section has a row.
    return Material.objects.create(track=track, seq=1, title="营业执照复印件（加盖公章）")


def snapshot(track, material, *, title=TITLE, requested="300000.00") -> dict:
    kpis = {}
    for kpi in track.kpis.all():
        value = None if kpi.qualitative else f"{kpi.target.normalize():f}"
        kpis[str(kpi.pk)] = [value, f"依托研发中心落实：{kpi.metric}"]
    results = [
        {"rule_id": rule.pk, "seq": rule.seq, "kind": rule.kind,
         "outcome": "officer" if rule.kind == "officer" else "pass",
         "reason": "由审查人员在形式审查中判断" if rule.kind == "officer" else "符合条件",
         "guide_text": rule.text}
        for rule in track.rules.all()
    ]
    return {
        "title": title,
        "plan": "一、项目背景\n围绕新能源电池产业开展专利导航。\n\n二、实施内容\n组建高价值专利培育中心。",
        "requested_amount": requested,
        "matching_funds": "100000.00",
        "matching_committed": True,
        "partners": [{"name": "华南理工大学", "org_type": "university", "uscc": "124400004554162268",
                      "role": "专利导航分析与布局报告撰写"}],
        "kpis": kpis,
        "budget": [
            {"item": "专利检索与导航分析服务", "source": "grant", "amount": "120000.00"},
            {"item": "专利申请与布局费用", "source": "grant", "amount": "180000.00"},
            {"item": "培训宣贯活动", "source": "matching", "amount": "100000.00"},
        ],
        "materials": {str(material.pk): {"name": "营业执照.pdf", "sha256": SHA}},
        "verdict": {"overall": "officer", "evaluated_on": "2024-07-01",
                    "counts": {"pass": 0, "fail": 0, "officer": 0}, "results": results},
    }


@pytest.fixture
def application(track, organisation, material, applicant):
    application = Application.objects.create(
        reference=REFERENCE, track=track, organisation=organisation, created_by=applicant,
        status=Status.SUBMITTED, version=1, title=TITLE,
        # The live draft differs from what was submitted: the PDF must not show it.
        draft={"title": "草稿中尚未提交的标题"},
    )
    ApplicationVersion.objects.create(
        application=application, number=1, submitted_by=applicant,
        submitted_at=dt.datetime(2024, 7, 1, 2, 30, tzinfo=dt.UTC),
        snapshot=snapshot(track, material),
    )
    return application


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_application_pdf_shows_cover_and_sections(application):
    pdf = application_pdf(application)

    assert pdf.startswith(b"%PDF")
    pages = pdf_text(pdf)
    cover, everything = squash(pages[0]), squash("".join(pages))
    for expected in ON_COVER:
        assert expected in cover
    for expected in IN_SECTIONS:
        assert expected in everything
    assert SHA[:13] not in everything
    assert "草稿中尚未提交的标题" not in everything


def test_application_pdf_shows_amounts_in_yuan_and_wan(application):
    everything = squash("".join(pdf_text(application_pdf(application))))

    with translation.override(settings.LANGUAGE_CODE):
        expected = [yuan(Decimal("300000.00")), wan(Decimal("300000.00")), yuan(Decimal("400000.00"))]
    for text in expected:
        assert squash(text) in everything


def test_application_pdf_embeds_a_cjk_font(application):
    reader = pypdf.PdfReader(io.BytesIO(application_pdf(application)))

    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in name or "Noto" in name for name in fonts), fonts
    assert TITLE in reader.pages[0].extract_text()


def test_application_pdf_footer_has_reference_and_page_count(application):
    pages = pdf_text(application_pdf(application))

    with translation.override(settings.LANGUAGE_CODE):
        footer = _("Page %(page)s of %(pages)s") % {"page": 2, "pages": len(pages)}
    assert len(pages) >= 2
    assert REFERENCE in pages[1]
    assert squash(footer) in squash(pages[1])


def test_application_pdf_renders_older_version_from_its_own_snapshot(application, track, material, applicant):
    ApplicationVersion.objects.create(
        application=application, number=2, submitted_by=applicant,
        submitted_at=dt.datetime(2024, 7, 20, 8, 0, tzinfo=dt.UTC),
        snapshot=snapshot(track, material, title="南沙储能电池专利组合培育（修改稿）", requested="250000.00"),
    )
    Application.objects.filter(pk=application.pk).update(version=2)
    application.refresh_from_db()

    first = squash("".join(pdf_text(application_pdf(application, version=1))))
    latest = squash("".join(pdf_text(application_pdf(application))))

    assert TITLE in first and "300,000.00" in first and "修改稿" not in first
    assert "南沙储能电池专利组合培育（修改稿）" in latest and "250,000.00" in latest and TITLE not in latest


def test_application_pdf_refuses_a_version_never_submitted(application):
    with pytest.raises(ApplicationVersion.DoesNotExist):
        application_pdf(application, version=5)


def test_application_pdf_query_count_is_fixed(application, django_assert_num_queries):
    with django_assert_num_queries(4):
        application_pdf(application)
