"""In headless Chromium against the live server: the main pages raise no Content-Security-Policy violation
(catalogue, track, the application form while it autosaves, organisation pages, invitations, admin, error
pages), the money preview reads 30万 as 300,000.00 元, and the language menu switches language."""

import pytest

from applications import services
from organisations.services import invitation_create
from tests.applications.conftest import make_org, open_call, valid_draft
from tests.factories import UserFactory

from .test_applicant_journey import shot, sign_in

NANSHA = "nansha-2024-high-value-patent-center"

# Collects every violation the page reports (an init script runs before the page and is not subject to CSP).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
  e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" + e.lineNumber));
"""


def visit(page, url: str, name: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    shot(page, f"csp-{name}")
    return page.evaluate("window.__csp")


@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation(live_server, guides_loaded, browser_page):  # noqa: F811
    from programs.models import Track

    page, base = browser_page, live_server.url
    page.context.add_init_script(WATCH)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    track = Track.objects.select_related("program").get(program__code=NANSHA)
    open_call(track.program)
    applicant = UserFactory(username="csp_applicant", role="applicant")
    UserFactory(username="csp_officer", role="officer")
    UserFactory(username="csp_admin", role="admin", is_staff=True, is_superuser=True)
    org = make_org(applicant)
    owner = UserFactory(username="csp_owner", role="applicant")
    other = make_org(owner, name="邀请方公司")
    invitation_create(actor=owner, organisation=other, username="csp_applicant")
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))

    violations: dict[str, list[str]] = {}
    violations["home"] = visit(page, f"{base}/", "home")
    violations["catalogue"] = visit(page, f"{base}/programs/", "catalogue")
    violations["catalogue-bad-filter"] = visit(page, f"{base}/programs/?year=abc&region=1", "catalogue-bad-filter")
    violations["track"] = visit(page, f"{base}/programs/{NANSHA}/{track.code}/", "track")
    violations["404"] = visit(page, f"{base}/programs/nope/", "404")

    sign_in(page, base, "csp_applicant")  # returns on the signed-in page
    violations["mine"] = visit(page, page.url, "mine")
    violations["start"] = visit(page, f"{base}/applications/start/{track.pk}/", "start")
    violations["edit"] = visit(page, f"{base}/applications/{application.pk}/edit/", "application-edit")
    page.fill("#id_title", "自动保存中的标题")
    page.fill("#id_requested_amount", "30万")
    assert "300,000.00 元" in page.inner_text("#id_requested_amount_preview")
    assert "30 万元" in page.inner_text("#id_requested_amount_preview")
    page.wait_for_selector("#autosave-status.text-success")  # the autosave fires after a pause in typing
    application.refresh_from_db()
    assert application.draft["title"] == "自动保存中的标题"
    shot(page, "csp-application-edit-autosaved")
    violations["edit-autosave"] = page.evaluate("window.__csp")
    violations["org-detail"] = visit(page, f"{base}/organisations/{org.pk}/", "organisation-detail")
    violations["org-edit"] = visit(page, f"{base}/organisations/{org.pk}/edit/", "organisation-edit")
    page.fill("input[name='fy-0-sales_revenue']", "3000万")
    assert "30,000,000.00 元" in page.inner_text("#id_fy-0-sales_revenue_preview")
    page.fill("input[name='fy-0-rd_spend']", "30w")
    assert "还不是金额" in page.inner_text("#id_fy-0-rd_spend_preview")
    shot(page, "csp-organisation-edit-money")
    violations["org-members"] = visit(page, f"{base}/organisations/{org.pk}/members/", "organisation-members")
    violations["invitations"] = visit(page, f"{base}/organisations/invitations/", "invitations")
    violations["403"] = visit(page, f"{base}/organisations/{org.pk}/members/", "members-again")

    # the language menu, without inline script
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert "Members" in page.inner_text("main")
    violations["members-en"] = visit(page, page.url, "organisation-members-en")
    page.goto(f"{base}/organisations/{org.pk}/edit/")
    page.fill("input[name='fy-0-sales_revenue']", "30万")
    assert "CNY 300,000.00" in page.inner_text("#id_fy-0-sales_revenue_preview")
    shot(page, "csp-organisation-edit-money-en")
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")

    page.context.clear_cookies()
    sign_in(page, base, "csp_officer")
    violations["queue"] = visit(page, page.url, "officer-queue")
    violations["records"] = visit(page, f"{base}/organisations/{org.pk}/records/", "records")
    violations["blacklist"] = visit(page, f"{base}/organisations/{org.pk}/blacklist/", "blacklist")

    page.context.clear_cookies()
    sign_in(page, base, "csp_admin")
    violations["admin"] = visit(page, f"{base}/admin/", "admin")
    violations["admin-org"] = visit(page, f"{base}/admin/organisations/organisation/{org.pk}/change/", "admin-org")
    violations["admin-list"] = visit(page, f"{base}/admin/organisations/organisation/", "admin-org-list")

    assert {name: v for name, v in violations.items() if v} == {}
    assert console == []
    # The watch itself works: an inline script is blocked and reported.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                  " document.body.appendChild(s); }")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.x") is None and "script-src" in page.evaluate("window.__csp")[0]
