"""In a browser: after acceptance, an organisation's next application to a Guangdong track (which excludes a
failed provincial acceptance in the last three years) passes that rule if its project was rectified and
passed, and is shown failing it if its project failed twice. The acceptance steps themselves are walked in
the browser by test_project_journey; here the two projects are run through the same services."""

import datetime as dt

from django.utils import timezone

from accounts.models import Role
from milestones.models import ProjectState
from programs.models import EligibilityRule, RuleKind, Track
from tests.applications.conftest import open_call
from tests.factories import UserFactory
from tests.milestones.conftest import open_project, unit_member
from tests.milestones.test_lifecycle import record, request

from .test_applicant_journey import shot, submit_and_wait

GUANGDONG = "guangdong-2021-ip-cluster-centers"


def _run_acceptances(project, officer, second: str):
    today = timezone.localdate()
    request(project, unit_member(project))
    record(project, officer, "failed", on=today - dt.timedelta(days=100))  # three months to rectify: over
    request(project, unit_member(project))
    record(project, officer, second, on=today - dt.timedelta(days=1))
    project.refresh_from_db()
    return project


def test_failed_acceptance_shown_on_the_next_application(live_server, guides_loaded, browser_page):
    page, base = browser_page, live_server.url
    officer = UserFactory(username="officer_fa", role=Role.OFFICER)
    starts = timezone.localdate() - dt.timedelta(days=400)
    rectified = _run_acceptances(open_project(officer, program=GUANGDONG, code="1", award="1000000",
                                              starts_on=starts), officer, "passed")
    failed_twice = _run_acceptances(open_project(officer, program=GUANGDONG, code="1", award="1000000",
                                                 starts_on=starts), officer, "failed")
    assert failed_twice.state == ProjectState.TERMINATED and rectified.state != ProjectState.TERMINATED

    track = Track.objects.select_related("program").get(program__code=GUANGDONG, code="2")
    open_call(track.program)
    rule = EligibilityRule.objects.get(track=track, kind=RuleKind.NO_FAILED_ACCEPTANCE, archived_at__isnull=True)
    for project, fails in ((rectified, False), (failed_twice, True)):
        member = unit_member(project)
        member.set_password("pw-Acceptance-42")
        member.save(update_fields=["password"])
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", member.username)
        page.fill("#id_password", "pw-Acceptance-42")
        submit_and_wait(page, lambda: page.click("main form button[type=submit]"))
        assert "/accounts/login/" not in page.url
        page.goto(f"{base}/programs/{GUANGDONG}/2/")
        row = page.locator(f".precheck #rule-{rule.pk}")
        assert row.count() == 1
        classes = row.get_attribute("class") or ""
        assert ("table-danger" in classes) is fails, (project.application.organisation.name, classes)
        if fails:
            assert project.application.title in row.inner_text()  # the failed project is named
        shot(page, f"failed-acceptance-{'fails' if fails else 'passes'}")
