"""The header at the widths officers work at (1280 and 1366 px), in Chinese and in English: every role's links fit on
one line (no sideways scroll), the language menu, the bell and the user menu stay inside the window, and the user
menu shows the role and signs out."""

import pytest
from django.conf import settings

from accounts.models import Role
from tests.e2e.test_applicant_journey import sign_in, sign_out
from tests.factories import UserFactory

WIDTHS = (1280, 1366)
LANGUAGES = ("zh-hans", "en")
HEADER_CONTROLS = ("#language-form select", "#inbox-link", "#user-menu .dropdown-toggle")


def use_language(page, base, language):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def header_problems(page) -> list[str]:
    """What does not fit on the page as shown: sideways scroll, a header on two lines, a control off screen."""
    width = page.evaluate("window.innerWidth")
    problems = []
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{page.url} is {scroll} px wide in a {width} px window")
    height = page.evaluate("document.querySelector('nav').getBoundingClientRect().height")
    if height >= 80:
        problems.append(f"{page.url}: the header is {height} px high (more than one line)")
    for selector in HEADER_CONTROLS:
        box = page.locator(selector).bounding_box()
        if not page.locator(selector).is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > width:
            problems.append(f"{page.url}: {selector} is outside the window ({box})")
    return problems


def open_user_menu_and_check_sign_out(page) -> list[str]:
    page.click("#user-menu .dropdown-toggle")
    sign_out_button = page.locator("#user-menu #sign-out")
    sign_out_button.wait_for(state="visible")
    box, width = sign_out_button.bounding_box(), page.evaluate("window.innerWidth")
    problems = [] if box["x"] >= 0 and box["x"] + box["width"] <= width else [f"{page.url}: sign-out off screen"]
    assert page.locator("#user-role").is_visible() and page.locator("#user-role").inner_text().strip()
    page.click("#user-menu .dropdown-toggle")  # closed again
    sign_out_button.wait_for(state="hidden")
    return problems


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.OFFICER, Role.ADMIN])
def test_header_fits_and_user_menu_signs_out(live_server, browser_page, role):
    page, base = browser_page, live_server.url
    user = UserFactory(username=f"header_{role}", role=role, full_name="广州市越秀区示例项目主管员",
                       is_staff=role == Role.ADMIN)
    sign_in(page, base, user.username)
    page.wait_for_url(f"{base}/dashboard/**")
    dashboard, problems = page.url, []
    for language in LANGUAGES:
        use_language(page, base, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(dashboard)
            assert page.locator("html").get_attribute("lang") == language
            problems += [f"{language} {width}: {p}"
                         for p in header_problems(page) + open_user_menu_and_check_sign_out(page)]
    assert problems == []
    sign_out(page)
    assert page.locator("#user-menu").count() == 0  # signed out: the header offers sign-in instead


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_officer_and_admin_main_pages_fit_in_english_at_1366(live_server, browser_page, role):
    """Every page the header links to (the portal's own pages; the Django admin has its own header)."""
    page, base = browser_page, live_server.url
    user = UserFactory(username=f"pages_{role}", role=role, is_staff=role == Role.ADMIN,
                       full_name="Guangzhou Yuexiu District Example Programme Officer")
    sign_in(page, base, user.username)
    page.wait_for_url(f"{base}/dashboard/**")
    use_language(page, base, "en")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    links = page.eval_on_selector_all("nav .navbar-nav a.nav-link, nav .navbar-nav a.dropdown-item",
                                      "links => links.map(a => a.getAttribute('href'))")
    links = [href for href in dict.fromkeys(links) if not href.startswith("/admin/")]
    assert len(links) >= 8, links
    problems = []
    for href in links:
        response = page.goto(f"{base}{href}")
        assert response.ok and page.locator("html").get_attribute("lang") == "en", href
        problems += header_problems(page)
    problems += open_user_menu_and_check_sign_out(page)
    assert problems == []
