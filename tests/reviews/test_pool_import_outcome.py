"""A refused expert-pool import reads as refused on the pool page (not "done"), and each bad row's problem reads
as one sentence: a credit code's own message is not followed by a second full stop."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from jobs.models import JobState
from reviews.models import ReviewerProfile
from reviews.pool_excel import read_pool
from tests.conftest import client_for
from tests.jobs.helpers import ask
from tests.reviews.test_pool import good_rows, workbook

pytestmark = pytest.mark.django_db

SHORT_CODE = "12440000455416226"  # 17 characters


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("pool.xlsx", content)


def _label(page: str) -> str:
    return re.search(r'id="pool-import-label" data-job-label>(.*?)</span>', page, re.S).group(1)


def test_refused_pool_import_reads_as_refused_not_done(client, officer, inline_tasks,
                                                       django_capture_on_commit_callbacks):
    client_for(client, officer).cookies.load({"django_language": "zh-hans"})
    rows = good_rows() + [["王专家", "wang@example.org", "某单位", SHORT_CODE, "", "", "", ""]]
    job = ask(client, reverse("reviews:pool_import"), django_capture_on_commit_callbacks,
              {"action": "import", "file": _upload(workbook(rows))})
    assert job.state == JobState.DONE and job.summary["imported"] == 0 and not ReviewerProfile.objects.exists()
    page = client.get(reverse("reviews:pool")).content.decode()
    assert _label(page) == "未导入：文件有误" and "已完成" not in _label(page)
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["label"] == "未导入：文件有误"
    problems = re.search(r'id="import-problems">(.*?)</div>', page, re.S).group(1)
    assert "应为 18 位" in problems and "。。" not in problems


def test_accepted_pool_import_still_reads_done(client, officer, inline_tasks, django_capture_on_commit_callbacks):
    client_for(client, officer).cookies.load({"django_language": "zh-hans"})
    ask(client, reverse("reviews:pool_import"), django_capture_on_commit_callbacks,
        {"action": "import", "file": _upload(workbook(good_rows()))})
    assert _label(client.get(reverse("reviews:pool")).content.decode()) == "已完成"


@pytest.mark.parametrize(("language", "needs", "doubled"), [("zh-hans", "应为 18 位。", "。。"),
                                                            ("en", "it needs 18.", "..")])
def test_pool_row_problem_with_a_credit_code_ends_with_one_full_stop(language, needs, doubled):
    rows = [["王专家", "wang@example.org", "某单位", SHORT_CODE, "", "", "", ""]]
    with translation.override(language):
        _rows, problems = read_pool(workbook(rows), known_regions=set())
    (problem,) = problems
    assert problem.endswith(needs) and doubled not in problem
