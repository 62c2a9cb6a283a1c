"""Each page that asks for background work shows its status (queued, running, done with the download, failed with
the message and the retry button): the ranking, the ledger, the fund plan, the expert pool import, the reviewer's
PDF and the task book. A bad pool file imports nothing and names the row."""

import re

import pytest
from django.urls import reverse

from jobs.models import Job, JobState
from milestones.jobs import FUND_PLAN_XLSX, LEDGER_XLSX
from programs.models import Program
from reviews import services
from reviews.jobs import POOL_IMPORT, RANKING_XLSX
from reviews.models import ReviewerProfile
from tests.conftest import client_for
from tests.reviews.conftest import make_pool_track, passed_application
from tests.reviews.test_pool import good_rows, workbook

from .helpers import ask

pytestmark = pytest.mark.django_db


def box(page: str, prefix: str) -> str:
    """The status box's opening tag and contents, up to the retry form's end."""
    match = re.search(rf'<div class="job-status[^"]*" id="{prefix}-box".*?</div>\s*</div>', page, re.S)
    assert match, f"no {prefix} box"
    return match.group(0)


def retry_hidden(page: str, prefix: str) -> bool:
    return 'class="d-none"' in page.split(f'id="{prefix}-retry"')[1].split(">")[0]


@pytest.mark.parametrize(("kind", "page_name", "export_name", "prefix"), [
    (LEDGER_XLSX, "milestones:ledger", "milestones:ledger_export", "xlsx-export"),
    (FUND_PLAN_XLSX, "milestones:fund_plan", "milestones:fund_plan_export", "xlsx-export"),
])
def test_program_pages_show_the_excel_job(client, officer, kind, page_name, export_name, prefix, inline_tasks,
                                          django_capture_on_commit_callbacks):
    program = Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan")
    client_for(client, officer)
    page_url = reverse(page_name, args=[program.pk])
    assert 'id="xlsx-export-box"' not in client.get(page_url).content.decode()  # nothing asked for yet
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse(export_name, args=[program.pk]))
    job = Job.objects.get(kind=kind)
    html = box(client.get(page_url).content.decode(), prefix)
    assert 'data-job-state="queued"' in html and f'data-status-url="{reverse("jobs:status", args=[job.pk])}"' in html
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error="生成失败。")
    page = client.get(page_url).content.decode()
    assert 'data-job-state="failed"' in box(page, prefix) and "生成失败。" in page and not retry_hidden(page, prefix)
    assert f'action="{reverse("jobs:retry", args=[job.pk])}"' in page
    job = ask(client, reverse(export_name, args=[program.pk]), django_capture_on_commit_callbacks)
    page = client.get(page_url).content.decode()
    assert job.state == JobState.DONE and 'data-job-state="done"' in box(page, prefix) and retry_hidden(page, prefix)
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in page


def test_ranking_page_shows_the_excel_job(client, officer, inline_tasks, django_capture_on_commit_callbacks):
    track = make_pool_track()
    passed_application(track)
    review_round = services.round_open(actor=officer, track=track, reviewers_per_application=1)
    client_for(client, officer)
    url = reverse("reviews:ranking", args=[track.pk])
    page = client.get(url).content.decode()
    assert 'id="export-xlsx"' in page and 'id="ranking-export-box"' not in page
    job = ask(client, reverse("reviews:ranking_export", args=[track.pk]), django_capture_on_commit_callbacks)
    assert job.kind == RANKING_XLSX and job.target == review_round and job.state == JobState.DONE
    page = client.get(url).content.decode()
    assert 'data-job-state="done"' in box(page, "ranking-export") and reverse("jobs:download", args=[job.pk]) in page
    assert "js/job_status.js" in page


def test_pool_import_of_a_bad_file_imports_nothing_and_names_the_row(client, officer, inline_tasks,
                                                                     django_capture_on_commit_callbacks):
    client_for(client, officer).cookies.load({"django_language": "en"})
    rows = good_rows() + [["", "not-an-email", "某单位", "", "", "", "999999", "0"]]
    job = ask(client, reverse("reviews:pool_import"), django_capture_on_commit_callbacks,
              {"action": "import", "file": _upload(workbook(rows))})
    assert job.kind == POOL_IMPORT and job.state == JobState.DONE and job.summary["imported"] == 0
    assert not ReviewerProfile.objects.exists() and not job.input_file  # nothing imported; the upload removed
    page = client.get(reverse("reviews:pool")).content.decode()
    problems = re.search(r'id="import-problems">(.*?)</div>', page, re.S).group(1)
    assert "Row 4:" in problems and "not-an-email" in problems and "999999" in problems
    assert 'data-job-state="done"' in box(page, "pool-import") and 'id="import-done"' not in page


def test_pool_import_of_a_good_file_imports_every_row_and_says_so(client, officer, inline_tasks,
                                                                  django_capture_on_commit_callbacks):
    client_for(client, officer)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reviews:pool_import"), {"action": "import", "file": _upload(workbook(good_rows()))})
    page = client.get(reverse("reviews:pool")).content.decode()
    assert 'data-job-state="queued"' in box(page, "pool-import") and 'data-reload="1"' in page  # the page reloads
    assert not ReviewerProfile.objects.exists()
    job = ask(client, reverse("reviews:pool_import"), django_capture_on_commit_callbacks,
              {"action": "import", "file": _upload(workbook(good_rows()))})
    assert job.summary == {"imported": 2} and ReviewerProfile.objects.count() == 2
    page = client.get(reverse("reviews:pool")).content.decode()
    assert 'id="import-done"' in page and 'id="import-problems"' not in page


def test_pool_import_refuses_a_missing_file_on_the_page(client, officer):
    response = client_for(client, officer).post(reverse("reviews:pool_import"), {"action": "import"})
    form = response.context["form"]
    assert response.status_code == 200 and "file" in form.errors and not Job.objects.exists()
    assert 'id="pool-import-form"' in response.content.decode()  # the import page again, with the field's error


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("pool.xlsx", content)
