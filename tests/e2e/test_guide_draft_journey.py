"""A new guide in a real browser: the admin uploads a guide's text, reads the draft beside it, fills in the items that
need a person, confirms, and the program is in the catalogue."""

from pathlib import Path

import pytest

from accounts.models import Role
from drafting.models import DraftStatus, GuideDraft
from tests.factories import UserFactory

from .test_applicant_journey import confirm_and_wait, sign_in, submit_and_wait

GUIDE = Path(__file__).resolve().parents[2].parent / "shared" / "guides" / "yuexiu-2018-ip-operation-fund-plan.txt"


@pytest.mark.skipif(not GUIDE.is_file(), reason="the guides' texts are in ../shared/guides")
def test_guide_draft_upload_fix_confirm_and_catalogue(live_server, guides_loaded, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    admin = UserFactory(username="draft_admin", role=Role.ADMIN, is_staff=True)
    upload = tmp_path / "yuexiu-2019-draft-guide.txt"
    upload.write_bytes(GUIDE.read_bytes())
    sign_in(page, base, admin.username)

    page.goto(f"{base}/guide-drafts/")
    page.set_input_files("#draft-upload input[type=file]", str(upload))
    submit_and_wait(page, lambda: page.click("#draft-upload button[type=submit]"))
    page.wait_for_selector("#draft-problems")
    assert page.locator("#guide-text li").count() == len(GUIDE.read_text(encoding="utf-8").splitlines())
    assert page.locator("#draft-load button").is_disabled()

    # Each fact links to its sentence: following a fact's link marks the guide's line.
    first = page.locator("#draft-facts a[href^='#L']").first
    target = first.get_attribute("href")
    first.click()
    page.wait_for_function("hash => location.hash === hash", arg=target)
    assert page.evaluate(f"getComputedStyle(document.querySelector('{target}')).outlineStyle") == "solid"

    # The guide names its office only as 区市场监管局 and no rule makes a prefix: both are flagged for a person.
    assert page.locator("#draft-flagged li").count() == 2
    for field, value in (("issuer", "广州市越秀区市场监督管理局"), ("reference_prefix", "YX2019")):
        flagged = page.locator(f"#draft-flagged li[data-field='{field}']")
        flagged.locator("input[name=value]").fill(value)
        submit_and_wait(page, lambda flagged=flagged: flagged.locator("button[type=submit]").click())
        assert page.locator(f"#draft-flagged li[data-field='{field}']").count() == 0
    page.wait_for_selector("#draft-valid")

    confirm_and_wait(page, lambda: page.click("#draft-load button[type=submit]"))
    page.wait_for_selector("#draft-status[data-status='loaded']")
    draft = GuideDraft.objects.get()
    assert draft.status == DraftStatus.LOADED and draft.program.code == "yuexiu-2019-draft-guide"
    assert draft.program.reference_prefix == "YX2019" and draft.program.tracks.count() == 9
    assert draft.program.issuer == "广州市越秀区市场监督管理局"

    page.goto(f"{base}/programs/")
    link = page.locator(f"a[href='/programs/{draft.program.code}/']")
    link.first.wait_for()
    assert link.count() >= 1
