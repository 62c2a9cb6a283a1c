"""In a real browser: the release button asks "确认拨付 <project> 第 1 笔 150,000.00 元？" before paying; answered
返回 (dismissed) nothing is paid, answered 确认 the tranche is released. Without JavaScript the same POST answers
with the confirmation page naming the project, tranche and amount, and its 确认 button pays."""

import datetime as dt

from accounts.models import Role
from milestones.models import TrancheState
from milestones.services import contract_record
from tests.e2e.test_applicant_journey import sign_in
from tests.factories import UserFactory
from tests.milestones.conftest import open_project, pdf


def _contracted_project():
    officer = UserFactory(role=Role.OFFICER, username="officer_confirm")
    project = open_project(officer, starts_on=dt.date.today() - dt.timedelta(days=30))
    contract_record(actor=officer, project=project, signed_on=dt.date.today() - dt.timedelta(days=20),
                    signed_file=pdf())
    return officer, project


def test_release_button_asks_with_the_amount_and_pays_after_confirm(live_server, guides_loaded, browser_page,
                                                                   settings):
    settings.PAYMENT_SECOND_PERSON = False  # the one-step release of a single-officer office; two people: lifecycle
    page, base = browser_page, live_server.url
    officer, project = _contracted_project()
    sentence = f"确认拨付 {project.application.reference} 第 1 笔 150,000.00 元？"
    sign_in(page, base, officer.username)
    page.wait_for_url(f"{base}/dashboard/**")
    page.goto(f"{base}/projects/{project.pk}/")
    row = page.locator("#tranches tr[data-seq='1']")
    row.locator("[name=payment_reference]").fill("NS-PAY-1")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))  # 返回
    row.locator("button[type=submit]").click()
    assert asked == [sentence]
    assert project.tranches.get(seq=1).state == TrancheState.DUE
    page.once("dialog", lambda dialog: answer(dialog, True))  # 确认
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    page.wait_for_selector("#tranches tr[data-seq='1'][data-state='released']")
    assert asked == [sentence, sentence]
    tranche = project.tranches.get(seq=1)
    assert (tranche.state, tranche.payment_reference) == (TrancheState.RELEASED, "NS-PAY-1")


def test_release_without_javascript_shows_the_confirmation_page_then_pays(live_server, guides_loaded, chromium,
                                                                         settings):
    settings.PAYMENT_SECOND_PERSON = False
    officer, project = _contracted_project()
    context = chromium.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        base = live_server.url
        sign_in(page, base, officer.username)
        page.wait_for_url(f"{base}/dashboard/**")
        page.goto(f"{base}/projects/{project.pk}/")
        row = page.locator("#tranches tr[data-seq='1']")
        row.locator("[name=payment_reference]").fill("NS-PAY-1")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        reference = project.application.reference
        assert page.inner_text("#confirm-question") == f"确认拨付 {reference} 第 1 笔 150,000.00 元？"
        assert project.tranches.get(seq=1).state == TrancheState.DUE
        with page.expect_navigation():
            page.click("#confirm-yes")
        page.wait_for_selector("#tranches tr[data-seq='1'][data-state='released']")
        assert project.tranches.get(seq=1).payment_reference == "NS-PAY-1"
    finally:
        context.close()
