"""In a real browser against the live server, the Nansha path after approval: the officer records the contract and
requests the payment of the first tranche (150,000 yuan), a second officer confirms it (四眼); the unit submits its
mid-term report; the officer records the mid-term check; the unit requests acceptance; the officer records a
failure; after the rectification period the unit requests again; the officer records a pass and requests the second
tranche's payment, the second officer confirms it, and the project is closed."""

import datetime as dt
from decimal import Decimal

from accounts.models import Role
from milestones.models import Project, ProjectState, TrancheState
from organisations.models import AcceptanceOutcome
from tests.e2e.test_applicant_journey import confirm_and_wait, shot, sign_in, sign_out
from tests.factories import UserFactory
from tests.milestones.conftest import accept_final_report, accept_rectification_report, open_project, unit_member


def write_pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
    return str(path)


def pay(page, base, project_url, seq, reference, checker):
    """The signed-in officer requests the payment of tranche ``seq``; ``checker`` signs in and confirms it."""
    row = page.locator(f"#tranches tr[data-seq='{seq}']")
    row.locator("[name=payment_reference]").fill(reference)
    row.locator("[data-release-button]").click()
    page.wait_for_selector(f"#tranches tr[data-seq='{seq}'][data-state='requested']")
    page.wait_for_selector(f"[data-waiting='{seq}']")  # the requester cannot confirm
    sign_out(page)
    sign_in(page, base, checker.username)
    page.wait_for_url(f"{base}/dashboard/**")
    page.goto(project_url)
    confirm_and_wait(page, lambda: page.locator(f"#tranches tr[data-seq='{seq}'] [data-confirm-button]").click(),
                     says=f"第 {seq} 笔 150,000.00 元")
    page.wait_for_selector(f"#tranches tr[data-seq='{seq}'][data-state='released'] [data-confirmed-by]")


def test_nansha_project_journey(live_server, guides_loaded, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    officer = UserFactory(role=Role.OFFICER, username="officer_e2e")
    checker = UserFactory(role=Role.OFFICER, username="checker_e2e", full_name="复核员")
    project = open_project(officer, starts_on=dt.date.today() - dt.timedelta(days=200))
    unit = unit_member(project)
    today = dt.date.today()
    project_url = f"{base}/projects/{project.pk}/"

    sign_in(page, base, officer.username)
    page.wait_for_url(f"{base}/dashboard/**")
    page.goto(project_url)
    form = page.locator("#contract-form")
    form.locator("[name=signed_on]").fill((today - dt.timedelta(days=190)).isoformat())
    form.locator("[name=signed_file]").set_input_files(write_pdf(tmp_path, "contract.pdf"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#tranches tr[data-seq='1'][data-state='due']")
    row = page.locator("#tranches tr[data-seq='1']")
    assert "150,000.00" in row.inner_text()
    pay(page, base, project_url, 1, "NS-2024-001", checker)
    assert "NS-2024-001" in page.locator("#tranches tr[data-seq='1']").inner_text()
    shot(page, "project-first-tranche")
    sign_out(page)

    sign_in(page, base, unit.username)
    page.wait_for_url(f"{base}/dashboard/**")
    page.goto(f"{base}/projects/")
    page.click(f"#projects tr[data-project='{project.pk}'] a")
    page.click("#reports tr:first-child a")
    report = page.locator("#report-form")
    for field in report.locator("input[name^=kpi_]").all():
        field.fill("1000")  # at or above every target
    report.locator("[name=narrative]").fill("已建成高价值专利培育布局中心，委派高管任中心负责人。")
    report.locator("[name=evidence]").set_input_files(write_pdf(tmp_path, "evidence.pdf"))
    report.locator("button[type=submit]").click()
    page.wait_for_selector("[data-state='submitted']")
    assert page.locator("#overall").get_attribute("data-overall") == "100.0"
    shot(page, "project-midterm-report")
    sign_out(page)

    sign_in(page, base, officer.username)
    page.wait_for_url(f"{base}/dashboard/**")
    page.goto(project_url)
    check = page.locator("#midterm-form")
    check.locator("[name=outcome]").select_option("on_track")
    check.locator("[name=checked_on]").fill((today - dt.timedelta(days=150)).isoformat())
    check.locator("button[type=submit]").click()
    page.wait_for_selector("#midterm-checks")
    sign_out(page)

    def request_acceptance():
        sign_in(page, base, unit.username)
        page.wait_for_url(f"{base}/dashboard/**")
        page.goto(project_url)
        form = page.locator("#acceptance-request-form")
        form.locator("[name=final_report]").set_input_files(write_pdf(tmp_path, "final-report.pdf"))
        form.locator("[name=final_accounts]").set_input_files(write_pdf(tmp_path, "final-accounts.pdf"))
        form.locator("[name=confirm_early]").check()  # the year has not ended: the unit confirms it asks early
        form.locator("button[type=submit]").click()
        page.wait_for_selector("[data-state='acceptance_requested']")
        sign_out(page)

    def record_acceptance(outcome, days_ago):
        sign_in(page, base, officer.username)
        page.wait_for_url(f"{base}/dashboard/**")
        page.goto(project_url)
        form = page.locator("#acceptance-record-form")
        form.locator("[name=outcome]").select_option(outcome)
        form.locator("[name=mode]").select_option("on_site")
        form.locator("[name=inspected_on]").fill((today - dt.timedelta(days=days_ago)).isoformat())
        form.locator("[name=expert_opinion]").fill("专家组现场验收意见。")
        confirm_and_wait(page, lambda: form.locator("button[type=submit]").click(),
                         says="验收通过" if outcome == "passed" else "验收不通过")
        page.wait_for_selector(f"#acceptances li[data-outcome='{outcome}']")

    request_acceptance()
    record_acceptance("failed", 100)  # rectify within three months: that deadline has passed by today
    assert page.locator("#project-facts [data-state]").get_attribute("data-state") == ProjectState.RECTIFYING
    shot(page, "project-acceptance-failed")
    sign_out(page)
    accept_final_report(officer, project)  # the project closes only once its final report is accepted
    accept_rectification_report(officer, project)  # asked again only once it is in; closing waits for it too
    request_acceptance()  # after the rectification deadline: taken, marked late for the officer
    record_acceptance("passed", 1)
    pay(page, base, project_url, 2, "NS-2025-002", checker)
    assert page.locator("#project-facts [data-state]").get_attribute("data-state") == ProjectState.CLOSED
    shot(page, "project-closed")

    project = Project.objects.get(pk=project.pk)
    assert project.state == ProjectState.CLOSED
    assert [(t.state, t.released_amount) for t in project.tranches.order_by("seq")] == [
        (TrancheState.RELEASED, Decimal("150000.00")), (TrancheState.RELEASED, Decimal("150000.00"))]
    assert {(t.requested_by, t.released_by) for t in project.tranches.all()} == {(officer, checker)}
    assert project.record.acceptance == AcceptanceOutcome.PASSED
