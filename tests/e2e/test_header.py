"""The header at 1280 px, the width officers work at: every role's links fit on one line (no sideways scroll), and
the user menu shows the role and signs out."""

import pytest

from accounts.models import Role
from tests.e2e.test_applicant_journey import sign_in, sign_out
from tests.factories import UserFactory


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.OFFICER, Role.ADMIN])
def test_header_fits_and_user_menu_signs_out(live_server, browser_page, role):
    page, base = browser_page, live_server.url
    user = UserFactory(username=f"header_{role}", role=role, full_name="广州市越秀区示例项目主管员",
                       is_staff=role == Role.ADMIN)
    sign_in(page, base, user.username)
    page.wait_for_url(f"{base}/dashboard/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate("document.querySelector('nav').getBoundingClientRect().height") < 80  # one line
    page.click("#user-menu .dropdown-toggle")
    assert page.locator("#user-role").is_visible() and page.locator("#user-role").inner_text().strip()
    page.click("#user-menu .dropdown-toggle")  # closed again
    sign_out(page)
    assert page.locator("#user-menu").count() == 0  # signed out: the header offers sign-in instead
