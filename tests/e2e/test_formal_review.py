"""In Chromium against the live server, on the configured (default: SQLite) database:
an officer decides the officer-judged conditions and passes the application after confirming;
an explicit save races autosaves without a 500 and without losing what was typed."""

import pytest

from accounts.models import Role
from applications import services
from applications.models import Application, ConditionDecision, Status
from applications.selectors import conditions_to_decide
from audit.models import AuditEvent
from programs.models import Material, Track
from tests.applications.conftest import make_org, open_call, pdf_upload, valid_draft, valid_submission
from tests.factories import UserFactory

from .test_applicant_journey import decide_conditions, shot, sign_in, submit_and_wait

NANSHA = "nansha-2024-high-value-patent-center"


@pytest.fixture
def nansha_draft(guides_loaded):
    track = Track.objects.select_related("program").get(program__code=NANSHA)
    open_call(track.program)
    material = Material.objects.create(track=track, seq=1, title="项目申报书", required=True)
    applicant = UserFactory(username="applicant_e2e", role=Role.APPLICANT)
    org = make_org(applicant)
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    services.material_upload(actor=applicant, application=application, material=material,
                             uploaded_file=pdf_upload())
    return track, applicant, application


def test_formal_review_with_officer_judged_conditions(live_server, nansha_draft, celery_worker_thread,
                                                      browser_page):
    page, base = browser_page, live_server.url
    track, applicant, application = nansha_draft
    services.application_submit(actor=applicant, application=application, data=valid_submission(track))
    UserFactory(username="officer_fr", role=Role.OFFICER)
    sign_in(page, base, "officer_fr")
    page.goto(f"{base}/applications/{application.pk}/")
    main = page.inner_text("main")
    assert "建设高价值专利培育布局中心。" in main and "华南理工大学" in main  # the submission, on the page
    # Passing before the conditions are decided is refused with a message.
    page.check("#id_confirm_pass")
    submit_and_wait(page, lambda: page.click("form[action$='/decide/pass/'] button"))
    assert page.locator(".alert-danger, .alert-error").count() >= 1
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    shot(page, "5-conditions-to-decide")
    count = decide_conditions(page, note="已核查证明材料")
    assert count == len(conditions_to_decide(application))
    assert ConditionDecision.objects.filter(application=application, decision="met").count() == count
    shot(page, "6-conditions-decided")
    page.check("#id_confirm_pass")
    submit_and_wait(page, lambda: page.click("form[action$='/decide/pass/'] button"))
    application.refresh_from_db()
    assert application.status == Status.PASSED
    assert len(application.versions.get().snapshot["decisions"]) == count
    assert AuditEvent.objects.filter(object_id=str(application.pk), action="decide_condition").count() == count


RACE = """async ([autosaveUrl, editUrl, n]) => {
  const form = document.getElementById("application-form");
  const post = (url, title, action) => {
    const body = new FormData(form);
    body.delete("action");
    body.set("title", title);
    if (action) body.set("action", action);
    return fetch(url, {method: "POST", body, credentials: "same-origin"}).then(r => r.status);
  };
  // n autosaves and an explicit save, all in flight at once.
  const posts = [];
  for (let i = 0; i < n; i++) posts.push(post(autosaveUrl, "自动保存" + i));
  posts.push(post(editUrl, "明确保存的标题", "save"));
  return Promise.all(posts);
}"""


def test_save_racing_autosaves_on_the_default_database(live_server, nansha_draft, browser_page):
    page, base = browser_page, live_server.url
    track, applicant, application = nansha_draft
    sign_in(page, base, applicant.username)
    edit_url = f"/applications/{application.pk}/edit/"
    page.goto(f"{base}{edit_url}")
    for _ in range(3):
        statuses = page.evaluate(RACE, [f"/applications/{application.pk}/autosave/", edit_url, 4])
        assert statuses == [200] * 5, statuses
    # The page's own autosave in flight, then Save pressed: autosave pauses, the save goes through.
    page.fill("#id_title", "明确保存的标题")
    page.wait_for_selector("#autosave-status:not(.text-muted)", timeout=5000)  # saving or saved
    with page.expect_navigation(), \
            page.expect_response(lambda r: r.url.endswith(edit_url) and r.request.method == "POST") as saved:
        page.click("button[value=save]")
    assert saved.value.status == 200
    assert page.locator(".alert-success").count() >= 1 and page.input_value("#id_title") == "明确保存的标题"
    application.refresh_from_db()
    assert application.draft["title"] == "明确保存的标题" and application.status == Status.DRAFT
    assert Application.objects.get(pk=application.pk).draft["budget-1-amount"] == "100000"
    shot(page, "7-saved-after-race")
