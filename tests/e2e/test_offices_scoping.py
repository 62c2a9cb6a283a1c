"""In Chromium against the live server: two officers of different offices (Nansha, Yuexiu) each see only their
own office's applications and projects; the other office's application answers 404."""

import pytest

from accounts.models import Role
from tests.factories import UserFactory
from tests.milestones.conftest import open_project
from tests.reviews.conftest import passed_application, track_of

from .test_applicant_journey import sign_in, sign_out

NANSHA, YUEXIU = "nansha-2024-high-value-patent-center", "yuexiu-2018-ip-operation-fund-plan"


@pytest.fixture
def two_offices(guides_loaded):
    everyone = UserFactory(username="officer_all_e2e", role=Role.OFFICER)  # works for every office
    nansha_project = open_project(everyone)
    yuexiu_application = passed_application(track_of(YUEXIU, "1"))
    nansha_application = passed_application(track_of(NANSHA, "1"))
    UserFactory(username="officer_ns_e2e", role=Role.OFFICER, offices=["gz-nansha"])
    UserFactory(username="officer_yx_e2e", role=Role.OFFICER, offices=["gz-yuexiu"])
    return nansha_project, nansha_application, yuexiu_application


def _status(page, url) -> int:
    response = page.goto(url)
    page.wait_for_load_state("domcontentloaded")
    return response.status


def test_two_officers_of_different_offices_see_only_their_own(live_server, browser_page, two_offices):
    page, base = browser_page, live_server.url
    project, nansha_application, yuexiu_application = two_offices

    sign_in(page, base, "officer_ns_e2e")
    page.goto(f"{base}/review/")
    queue = page.inner_text("main")
    assert nansha_application.reference in queue and yuexiu_application.reference not in queue
    page.goto(f"{base}/projects/")
    assert project.application.reference in page.inner_text("main")
    assert _status(page, f"{base}/applications/{yuexiu_application.pk}/") == 404
    assert _status(page, f"{base}/applications/{nansha_application.pk}/") == 200
    sign_out(page)

    sign_in(page, base, "officer_yx_e2e")
    page.goto(f"{base}/review/")
    queue = page.inner_text("main")
    assert yuexiu_application.reference in queue and nansha_application.reference not in queue
    page.goto(f"{base}/projects/")
    assert project.application.reference not in page.inner_text("main")
    assert _status(page, f"{base}/applications/{nansha_application.pk}/") == 404
    assert _status(page, f"{base}/projects/{project.pk}/") == 404
    assert _status(page, f"{base}/applications/{yuexiu_application.pk}/") == 200
