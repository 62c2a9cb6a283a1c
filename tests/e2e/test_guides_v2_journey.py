"""Guides v2 in a real browser: a KPI group (Fangchenggang 6, "二者满足其一") committed one of two, and a
soft condition (Nansha's R&D ratio "原则上不低于3%") missed at 2.9 %, explained, submitted and seen by the officer."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from applications.models import Application, Status
from organisations.choices import OrgType
from organisations.models import FinancialYear, PatentKind
from programs.models import Material, Origin, Track
from tests.applications.conftest import PDF_BYTES, open_call
from tests.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, PatentFactory

from .test_applicant_journey import decide_conditions, shot, sign_in, sign_out, submit_and_wait

EXPLANATION = "2025年研发投入已提高至4.2%，附审计报告。"


def _fill_kpis(page, track, skip=()):
    for kpi in track.kpis.active():
        if kpi.pk in skip:
            continue
        if kpi.qualitative:
            page.fill(f"input[name='kpinote_{kpi.pk}']", "按期完成")
        else:
            page.fill(f"input[name='kpi_{kpi.pk}']", f"{kpi.target.normalize():f}")


def _start(page, base, track):
    page.goto(f"{base}/programs/{track.program.code}/{track.code}/")
    page.click("a[href*='/applications/start/']")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/applications/*/edit/")


def test_kpi_group_and_soft_condition_journey(live_server, guides_loaded, celery_worker_thread, browser_page,
                                              tmp_path):
    page, base = browser_page, live_server.url
    applicant = UserFactory(username="zhanghua", role=Role.APPLICANT)
    UserFactory(username="officer_v2", role=Role.OFFICER)
    org = OrganisationFactory(members=[applicant], name="南沙灵犀专利科技有限公司", org_type=OrgType.ENTERPRISE)
    year = timezone.localdate().year
    for y in range(year - 3, year):  # R&D 2.9 % of sales, IP spend 6.9 % of R&D
        FinancialYear.objects.create(organisation=org, year=y, sales_revenue=Decimal("10000000"),
                                     rd_spend=Decimal("290000"), ip_spend=Decimal("20000"))
    PatentFactory.create_batch(7, organisation=org, kind=PatentKind.UTILITY)
    PatentFactory.create_batch(3, organisation=org, kind=PatentKind.INVENTION, granted_on=dt.date(2023, 5, 1))

    # 1. Fangchenggang 6: the two "或" targets are one group; committing to one of them is enough.
    fcg = Track.objects.select_related("program").get(program__code="fangchenggang-2022-ip-projects", code="6")
    open_call(fcg.program)
    first, second = [k for k in fcg.kpis.active() if k.group_id]
    sign_in(page, base, "zhanghua")
    page.goto(f"{base}/programs/{fcg.program.code}/6/")
    assert page.locator("tbody.kpi-group").count() == 1
    _start(page, base, fcg)
    page.fill("#id_title", "防城港高价值专利培育转化")
    page.fill("#id_plan", "培育高价值专利组合，推进专利质押融资。")
    page.fill("#id_requested_amount", "10万")
    _fill_kpis(page, fcg, skip={second.pk})
    assert page.locator("tbody.kpi-group[data-min='1'] input[type=text]").count() == 2
    page.fill("input[name='budget-0-item']", "专利培育")
    page.select_option("select[name='budget-0-source']", "grant")
    page.fill("input[name='budget-0-amount']", "100000")
    page.wait_for_selector("#autosave-status.text-success")
    shot(page, "v2-1-kpi-group-form")
    page.click("button[value=check]")
    page.wait_for_url("**/check/")
    page.check("#id_declaration")
    page.click("#submit-form button[value=submit]")
    page.wait_for_url("**/applications/*/")
    fcg_app = Application.objects.get(track=fcg)
    assert fcg_app.status == Status.SUBMITTED
    assert fcg_app.kpi_commitments.get(kpi=first).value == first.target
    assert fcg_app.kpi_commitments.get(kpi=second).value is None

    # 2. Nansha: R&D at 2.9 % misses a soft condition; the applicant explains and submits anyway.
    nansha = Track.objects.select_related("program").get(program__code="nansha-2024-high-value-patent-center")
    open_call(nansha.program)
    Material.objects.create(track=nansha, seq=1000, origin=Origin.OFFICE, title="项目申报书", required=True)
    _start(page, base, nansha)
    app = Application.objects.get(track=nansha)
    page.fill("#id_title", "南沙高价值专利培育布局中心")
    page.fill("#id_plan", "建设高价值专利培育布局中心。")
    page.fill("#id_requested_amount", "300000")
    _fill_kpis(page, nansha)
    page.fill("input[name='budget-0-item']", "专利布局")
    page.select_option("select[name='budget-0-source']", "grant")
    page.fill("input[name='budget-0-amount']", "300000")
    page.wait_for_selector("#autosave-status.text-success")
    pdf_path = tmp_path / "申报书.pdf"
    pdf_path.write_bytes(PDF_BYTES)
    page.goto(f"{base}/applications/{app.pk}/materials/")
    page.set_input_files("input[type=file]", str(pdf_path))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("a[href*='/materials/']:has-text('申报书.pdf')")

    page.goto(f"{base}/applications/{app.pk}/check/")
    rd_rule = nansha.rules.active().get(kind="rd_intensity")
    row = page.locator(f"#rule-{rd_rule.pk}")
    assert "table-warning" in row.get_attribute("class") and "2.9 %" in row.inner_text()
    shot(page, "v2-2-soft-failure-check")
    page.fill(f"#explain-{rd_rule.pk}", EXPLANATION)
    page.check("#id_declaration")
    page.click("#submit-form button[value=submit]")
    page.wait_for_url(f"**/applications/{app.pk}/")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.explanations == {str(rd_rule.pk): EXPLANATION}
    sign_out(page)

    # 3. The officer sees the soft failure with the applicant's explanation.
    sign_in(page, base, "officer_v2")
    page.goto(f"{base}/applications/{app.pk}/")
    alert = page.locator(".soft-failure")
    assert alert.count() == 1 and EXPLANATION in alert.inner_text()
    shot(page, "v2-3-officer-sees-soft-failure")

    # 4. The soft condition is one of the conditions the officer decides before passing.
    assert page.locator(f"#conditions [data-rule='{rd_rule.pk}'] .condition-explanation").count() == 1
    decided = decide_conditions(page, note="研发投入逐年提高，同意受理")
    assert decided == len([r for r in app.verdict["results"] if r["outcome"] == "officer" or r.get("soft")
                           and r["outcome"] == "fail"])
    page.check("#id_confirm_pass")
    submit_and_wait(page, lambda: page.click("form[action$='/decide/pass/'] button"))
    app.refresh_from_db()
    assert app.status == Status.PASSED
    assert app.condition_decisions.get(rule_id=rd_rule.pk).note == "研发投入逐年提高，同意受理"
