"""In a real browser (Debian's Chromium, driven by Playwright) against the live server: the officer imports an
expert pool from xlsx (one bad row refused by its number, then the corrected file), auto-assigns three reviewers
per Nansha and Yuexiu-7 application (the expert from an applicant's organisation is never proposed for it) and adds
two more by hand to one application; reviewers set their password from the link, declare no conflict and score;
the ranking shows the trimmed mean where five reviews exist; the Excel export (a background job the page shows)
opens with the scores; publicity runs, an objection is lodged and resolved; the awards are approved (Yuexiu 7's
pool of 600,000 yuan split by score to the yuan) and each approved application has a project with tranches
adding up to its award."""

import io
import re
from decimal import Decimal
from pathlib import Path

from django.core import mail
from openpyxl import Workbook, load_workbook

from accounts.models import Role, User
from milestones.models import Project
from programs.models import Aggregation, Allocation, AwardMode, Track
from reviews.models import Assignment, AssignmentState, Award, AwardState, Review, ReviewerProfile, ReviewRound
from tests.e2e.test_applicant_journey import confirm_and_wait, shot, sign_in, sign_out, submit_and_wait
from tests.factories import PASSWORD, UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.reviews.conftest import NANSHA, YUEXIU, passed_application, score_all, track_of

HEADER = ["姓名", "电子邮箱", "工作单位", "统一社会信用代码", "职称", "专业领域", "评审上限"]
INSIDER_ORG = "广州越秀示范科技有限公司"


def pool_file(path: Path, rows) -> Path:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def experts(insider_uscc: str):
    rows = [[f"专家{i}", f"expert{i}@example.org", f"某大学{i}", "", "教授", "知识产权示范企业", 10]
            for i in range(1, 7)]
    rows.append(["内部专家", "insider@example.org", INSIDER_ORG, insider_uscc, "高级工程师", "知识产权示范企业", 10])
    return rows


def score_in_browser(page, base, username, value):
    """Sign in as the reviewer, declare no conflict and score every assignment in the queue."""
    sign_in(page, base, username)
    page.wait_for_url(f"{base}/dashboard/reviewer/")  # the reviewer's dashboard lists the assignments
    page.goto(f"{base}/reviewer/")
    while True:
        links = page.locator("#queue tbody tr:has(.text-bg-warning) a, #queue tbody tr:has(.text-bg-info) a")
        if links.count() == 0:
            break
        submit_and_wait(page, links.first.click)
        if page.locator("#no-conflict").count():
            page.click("#no-conflict")
            page.wait_for_selector("#score-form")
            if username == "expert1@example.org":
                shot(page, "review-3b-blind-scoring")
                assert INSIDER_ORG not in page.inner_text("main")
        for field in page.locator("#score-form input[name^=score_]").all():
            field.fill(str(value))
        page.select_option("#id_recommendation", "fund")
        page.fill("#id_opinion", f"{username} 认为方案可行。")
        page.click("#submit-review")
        page.wait_for_selector("#my-scores")
        page.goto(f"{base}/reviewer/")
    sign_out(page)


def test_expert_review_journey(live_server, guides_loaded, celery_worker_thread, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    UserFactory(username="officer_er", role=Role.OFFICER)
    objector = UserFactory(username="objector", role=Role.APPLICANT)
    nansha = track_of(NANSHA, "1")
    yuexiu = track_of(YUEXIU, "7")
    # Yuexiu 7 as the guide reads: a pool of 60万 by score; trimmed mean to show where five reviews exist.
    Track.objects.filter(pk=yuexiu.pk).update(award_mode=AwardMode.POOL, allocation=Allocation.BY_SCORE,
                                              score_aggregation=Aggregation.TRIMMED_MEAN)
    insider_org = OrganisationFactory(name=INSIDER_ORG)
    yx_a = passed_application(yuexiu, organisation=insider_org, title="越秀示范企业培育甲")
    yx_b = passed_application(yuexiu, title="越秀示范企业培育乙")
    ns = passed_application(nansha, title="南沙高价值专利培育中心")

    # 1. The pool from Excel: a bad row is refused by its number and nothing is imported
    sign_in(page, base, "officer_er")
    page.goto(f"{base}/expert-review/pool/")
    page.click("#pool-import")  # the import has a page of its own; the list renders no form
    rows = experts(insider_org.uscc)
    bad = pool_file(tmp_path / "bad.xlsx", [*rows, ["", "no-email", "", "", "", "", "x"]])
    page.set_input_files("#id_file", str(bad))
    page.click("#import-button")  # the file is read in the background; the page shows the job, then the rows
    page.wait_for_selector("#import-problems", timeout=60000)
    problems = page.inner_text("#import-problems")
    assert "第 9 行" in problems and not ReviewerProfile.objects.exists()
    shot(page, "review-1-import-refused")
    page.click("#pool-import")
    page.set_input_files("#id_file", str(pool_file(tmp_path / "good.xlsx", rows)))
    # Into Guangzhou's pool, which both district offices (Nansha, Yuexiu) draw from.
    page.select_option("form:has(#import-button) select[name=pool]", "gz")
    page.click("#import-button")
    page.wait_for_selector("#pool-table td:has-text('内部专家')", timeout=60000)
    assert "7" in page.inner_text("#import-done")
    assert ReviewerProfile.objects.count() == 7 and len(mail.outbox) == 7

    # 2. Rounds: open, propose, start, for each track; two more reviewers by hand on one Yuexiu application
    for track in (yuexiu, nansha):
        page.goto(f"{base}/expert-review/tracks/{track.pk}/")
        page.fill("#id_reviewers_per_application", "3")
        page.click("main form button:has-text('开启专家评审')")
        page.click("#propose-assignment")
        page.wait_for_selector("#start-review")
        shot(page, f"review-2-proposal-{track.code}")
        page.click("#start-review")
        page.wait_for_selector("[data-round-state=reviewing]")
    insider = ReviewerProfile.objects.get(name="内部专家")
    assert not Assignment.objects.filter(application=yx_a, reviewer=insider).exists()
    assert Assignment.objects.filter(application__in=[yx_a, yx_b, ns]).count() == 9
    page.goto(f"{base}/expert-review/tracks/{yuexiu.pk}/")
    taken = set(Assignment.objects.filter(application=yx_b).values_list("reviewer__name", flat=True))
    for name in [n for n in (f"专家{i}" for i in range(1, 7)) if n not in taken][:2]:
        page.select_option("select[name=application]", str(yx_b.pk))
        page.select_option("select[name=reviewer]", str(ReviewerProfile.objects.get(name=name).pk))
        with page.expect_navigation():
            page.click("form[action$='/add/'] button")
    assert Assignment.objects.filter(application=yx_b, state=AssignmentState.CONFIRMED).count() == 5
    shot(page, "review-3-assignment")
    sign_out(page)

    # 3. Reviewers: the first sets the password from the e-mailed link; each declares no conflict and scores
    link = re.search(r"(/experts/set-password/\S+/)", next(m.body for m in mail.outbox
                                                          if m.to == ["expert1@example.org"])).group(1)
    page.goto(base + link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{base}/dashboard/reviewer/")  # signed in, on the expert's start page
    sign_out(page)
    for user in User.objects.filter(role=Role.REVIEWER).exclude(username="expert1@example.org"):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    values = {f"expert{i}@example.org": 60 + 6 * i for i in range(1, 7)} | {"insider@example.org": 75}
    in_browser = {"expert1@example.org", "insider@example.org"}  # blind scoring seen; the pool's insider
    for username, value in values.items():
        if username in in_browser:
            score_in_browser(page, base, username, value)
            continue
        # The same pages for the other five experts: they declare and score through the service.
        for assignment in Assignment.objects.filter(reviewer__user__username=username,
                                                    state=AssignmentState.CONFIRMED).order_by("pk"):
            score_all(assignment, value, opinion=f"{username} 认为方案可行。")
    assert not Assignment.objects.filter(application__in=[yx_a, yx_b, ns]).exclude(
        state__in=[AssignmentState.ACCEPTED]).exclude(state=AssignmentState.REMOVED).exists()

    # 4. The ranking: trimmed mean where five reviews exist; the Excel export opens with the scores
    sign_in(page, base, "officer_er")
    page.goto(f"{base}/expert-review/tracks/{yuexiu.pk}/ranking/")
    row_b = page.locator(f"#ranking tr[data-application='{yx_b.pk}']")
    assert row_b.locator("[data-trimmed]").count() == 1
    assert page.locator(f"#ranking tr[data-application='{yx_a.pk}'] [data-trimmed]").count() == 0
    shot(page, "review-4-ranking")
    page.click("#export-xlsx")  # the workbook is made in the background; the page offers it when it is done
    page.wait_for_selector("#ranking-export-link:not(.d-none)", timeout=60000)
    shot(page, "review-4b-ranking-export-done")
    with page.expect_download() as download:
        page.click("#ranking-export-link")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    reviews, sheet = book.worksheets  # one row per review, then the track's ranked summary
    assert reviews.cell(1, 1).value == "申报编号" and reviews.max_row == 1 + Review.objects.filter(
        assignment__round__track=yuexiu, assignment__state="accepted", state="submitted").count()
    assert sheet.cell(1, 1).value == "排名"
    scores = {sheet.cell(r, 2).value: sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)}
    assert set(scores) == {yx_a.reference, yx_b.reference} and all(isinstance(v, int | float) for v in scores.values())

    # 5. Proposals, publicity, an objection resolved
    for track in (yuexiu, nansha):
        page.goto(f"{base}/expert-review/tracks/{track.pk}/ranking/")
        page.click("#propose-awards")
        page.wait_for_selector("#start-publicity")
        confirm_and_wait(page, lambda: page.click("#start-publicity"), says=f"确认公示 {track.code}")
        page.wait_for_selector("#publicity-ends")
    pool = Award.objects.filter(round__track=yuexiu)
    assert sum(a.amount for a in pool) == Decimal("600000.00")
    yuexiu_round = ReviewRound.objects.get(track=yuexiu)
    sign_out(page)
    sign_in(page, base, "objector")
    page.goto(f"{base}/publicity/{yuexiu_round.pk}/")
    assert "越秀示范企业培育甲" in page.inner_text("#publicity-list")
    page.fill("#id_reason", "申报单位地址不在越秀区")
    submit_and_wait(page, lambda: page.click("#objection-form button"))
    assert yuexiu_round.objections.filter(raised_by=objector).exists()
    sign_out(page)
    ReviewRound.objects.update(publicity_starts="2020-01-01", publicity_ends="2020-01-08")  # the period has passed

    sign_in(page, base, "officer_er")
    page.goto(f"{base}/expert-review/tracks/{yuexiu.pk}/decision/")
    page.fill("#objections textarea[name=reason]", "经核实，该单位注册地在越秀区，异议不成立。")
    page.click("#objections button[formaction$='/dismiss/']")
    page.wait_for_selector("#objections .badge")

    # 6. Approval (立项) with a project and its tranches
    for track in (yuexiu, nansha):
        page.goto(f"{base}/expert-review/tracks/{track.pk}/decision/")
        while page.locator("[data-approve]").count():
            confirm_and_wait(page, lambda: page.locator("[data-approve]").first.click(), says="确认立项")
        shot(page, f"review-5-approved-{track.code}")
        confirm_and_wait(page, lambda: page.click("#close-round"), says=f"确认结束 {track.code}")
    approved = Award.objects.filter(state=AwardState.APPROVED).select_related("application")
    assert approved.count() == 3
    assert sum(a.amount for a in approved if a.application.track_id == yuexiu.pk) == Decimal("600000.00")
    for award in approved:
        project = Project.objects.get(application=award.application)
        assert project.award == award.amount == award.amount.to_integral_value()
        assert sum(t.amount for t in project.tranches.all()) == award.amount
    # The approval notice is rendered in the background (a Celery worker in CI); its status box on the page
    # polls and offers the download when it is done.
    done = "[id^='notice-'][data-job-state='done'] a[data-job-link]:not(.d-none)"
    page.wait_for_selector(done, timeout=60000)
    assert page.locator(done).count() == 1
    with page.expect_download() as download:
        page.click(done)
    assert download.value.suggested_filename.endswith(".pdf")
