"""The funding finder in a real browser against the live server: a visitor's quick check from the home page (nothing
stored), then an applicant's list from the dashboard, then applying from it in one click."""

from __future__ import annotations

from django.apps import apps

from accounts.models import Role
from applications.models import Application, Status
from tests.factories import UserFactory
from tests.finder.conftest import NANSHA, QINGYUAN, YUEXIU, open_call, patent_heavy_firm

from .test_applicant_journey import shot, sign_in, submit_and_wait


def _counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.label not in ("sessions.Session",)}


def test_finder_quick_check_then_list_then_apply(live_server, guides_loaded, browser_page):
    page, base = browser_page, live_server.url
    officer = UserFactory(role=Role.OFFICER)
    for code in (NANSHA, YUEXIU, QINGYUAN):
        open_call(officer, code)
    applicant = UserFactory(role=Role.APPLICANT, username="finder_applicant")
    firm = patent_heavy_firm(members=[applicant])

    # A visitor, without an account: the quick check from the home page; nothing is stored.
    before = _counts()
    page.goto(f"{base}/")
    submit_and_wait(page, lambda: page.click("#finder-link"))
    page.select_option("#id_region", "440115")
    page.select_option("#id_org_type", "enterprise")
    page.fill("#id_revenue", "5000万")
    page.fill("#id_rd_spend", "300万")
    page.fill("#id_ip_spend", "60万")
    page.fill("#id_invention_patents", "12")
    submit_and_wait(page, lambda: page.click("#quick-check button[type=submit]"))
    page.wait_for_selector("#finder-rows .finder-row")
    first = page.locator("#finder-rows .finder-row").first
    assert "南沙" in first.inner_text() and first.get_attribute("data-verdict") == "eligible"
    yuexiu = page.locator(".finder-row[data-verdict=not_eligible]", has_text="越秀区").first
    assert "越秀区" in yuexiu.locator(".finder-reasons").inner_text()
    assert page.locator(".finder-apply").count() == 0  # a visitor is offered no application
    shot(page, "finder-quick-check")
    assert _counts() == before

    # The applicant's own list, from the dashboard; one click starts the application.
    sign_in(page, base, applicant.username)
    page.goto(f"{base}/dashboard/applicant/")
    submit_and_wait(page, lambda: page.click("#finder-link"))
    assert page.url.endswith("/finder/mine/")
    nansha = page.locator(".finder-row[data-verdict=eligible]", has_text="南沙").first
    shot(page, "finder-mine")
    submit_and_wait(page, lambda: nansha.locator(".finder-apply").click())
    application = Application.objects.get(organisation=firm)
    assert application.status == Status.DRAFT and application.track.program.code == NANSHA
    assert f"/applications/{application.pk}/edit/" in page.url
