"""The PDFs of the largest application the forms allow (``demo.largest``: Guangdong track 2, every field, row and
file at its limit): both render whole, on a bounded number of pages, with a fixed number of queries whatever the
number of partners, KPIs and files. No timing is asserted (the machine is shared); ``demo.largest.pdf_timings``
measures it."""

import io

import pypdf
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from applications.exports import application_pdf
from applications.inputs import MATERIAL_FILES_MAX, MAX_BUDGET_LINES, row_limits
from demo.largest import largest_application, largest_project, pdf_timings
from milestones.exports import task_book_pdf

pytestmark = pytest.mark.django_db


def _pages_and_text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "".join("".join(page.extract_text().split()) for page in reader.pages)


def _flat(value: str) -> str:
    return "".join(value.split())


@pytest.fixture
def largest(applicant, officer):
    return largest_application(applicant=applicant, officer=officer)


def test_largest_application_fills_every_limit(largest):
    snapshot = largest.versions.get().snapshot
    assert len(snapshot["partners"]) == row_limits(largest.track)["partners"] == 10
    assert len(snapshot["budget"]) == MAX_BUDGET_LINES
    assert len(snapshot["kpis"]) == largest.track.kpis.count() == 23
    assert [len(files) for files in snapshot["materials"].values()] == [MATERIAL_FILES_MAX] * 5
    assert largest.status == "passed" and len(snapshot["plan"]) == 6000


def test_largest_application_pdf_renders_every_part_on_bounded_pages(largest):
    snapshot = largest.versions.get().snapshot
    pages, text = _pages_and_text(application_pdf(largest))
    # Kept whole, each partner's and each long KPI's row began a page of its own: 84 pages; with the long texts in
    # narrow columns beside the short fields, 43.
    assert 25 <= pages <= 35, pages
    last_partner = snapshot["partners"][-1]
    assert _flat(last_partner["name"])[:12] in text and _flat(last_partner["role"])[-12:] in text
    last_kpi = largest.track.kpis.order_by("seq").last()
    assert _flat(last_kpi.metric) in text
    last_note = [note for _value, note in snapshot["kpis"].values() if note][-1]
    assert _flat(last_note)[-12:] in text
    last_file = list(snapshot["materials"].values())[-1][-1]["name"]
    assert _flat(last_file)[-16:] in text and "5-10-" in text
    assert _flat(snapshot["budget"][-1]["item"])[-12:] in text
    assert _flat(snapshot["plan"])[-20:] in text
    plan = [_flat(line) for line in snapshot["plan"].splitlines()]  # printed line by line: each whole, in order
    _records_in_order(text, [(line[:12], line[-12:]) if len(line) > 24 else (line,) for line in plan])
    assert _flat(snapshot["declaration"]["text"])[-12:] in text


def test_largest_application_pdf_footer_on_every_page_after_the_cover(largest):
    """The footer's two margin boxes have fixed widths (WeasyPrint then skips measuring them on every page): each
    page after the first still ends with the reference and “第 X 页，共 Y 页”, whole; the cover's first page has
    none."""
    reader = pypdf.PdfReader(io.BytesIO(application_pdf(largest)))
    texts = ["".join(page.extract_text().split()) for page in reader.pages]
    with translation.override(settings.LANGUAGE_CODE):
        footers = [_flat(_("Page %(page)s of %(pages)s") % {"page": n, "pages": len(texts)})
                   for n in range(1, len(texts) + 1)]
    assert footers[1] == f"第2页，共{len(texts)}页"
    assert footers[0] not in texts[0]
    for text, footer in zip(texts[1:], footers[1:], strict=True):
        assert text.endswith(largest.reference + footer), text[-60:]


def test_largest_application_pdf_prints_each_checksum_on_the_page_of_its_files_name_end(largest):
    """A long file name may continue on the next page (two lines at least on each side, as any paragraph), never
    its checksum alone: the checksum is on the page where its file's name ends."""
    snapshot = largest.versions.get().snapshot
    reader = pypdf.PdfReader(io.BytesIO(application_pdf(largest)))
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    files = [file for entry in snapshot["materials"].values() for file in entry]
    for file in files:
        on = [page for page in pages if file["sha256"][:12] in page]
        assert len(on) == 1 and _flat(file["name"])[-12:] + "SHA-256" + file["sha256"][:12] in on[0], file["name"]


def _records_in_order(text: str, records: list[tuple[str, ...]]) -> None:
    """Each record's first piece (unique to it) comes after the previous record, and its other pieces between it
    and the next record's first piece: the record is there, whole, in its place."""
    starts, position = [], 0
    for first, *_rest in records:
        position = text.index(first, position)
        starts.append(position)
    for (first, *rest), start, end in zip(records, starts, [*starts[1:], len(text)], strict=True):
        for piece in rest:
            assert start < text.find(piece, start) < end, (first, piece)


def test_largest_application_pdf_keeps_every_long_text_on_its_own_row(largest):
    """The long free texts run on a row of their own under their record's short fields (the speed of the largest
    book depends on it): every partner's tasks, every KPI's note, every file with its checksum are there, whole,
    in their record's place."""
    snapshot = largest.versions.get().snapshot
    _pages, text = _pages_and_text(application_pdf(largest))
    _records_in_order(text, [(_flat(p["name"])[:8], _flat(p["role"])[:8], _flat(p["role"])[-12:])
                             for p in snapshot["partners"]])
    notes = [_flat(note) for _value, note in snapshot["kpis"].values() if note]
    assert len(notes) == 8
    _records_in_order(text, [(note[:5], note[-12:]) for note in notes])  # "指标12：…"
    files = [file for entry in snapshot["materials"].values() for file in entry]
    assert len(files) == 50
    _records_in_order(text, [(_flat(f["name"])[:6], _flat(f["name"])[-12:], f["sha256"][:12]) for f in files])
    decisions = text[text.index("形式审查"):]
    for decision in snapshot["decisions"]:
        assert _flat(decision["note"])[-12:] in decisions


def test_largest_application_pdf_prints_each_partners_short_fields_in_its_record(largest):
    """A partner is a record across the page (name, then type, credit code and share on one line, then its tasks),
    not a table row: every short field is printed between the partner's name and its tasks."""
    snapshot = largest.versions.get().snapshot
    _pages, text = _pages_and_text(application_pdf(largest))
    _records_in_order(text, [(_flat(p["name"])[:8], p["uscc"], "9.99", _flat(p["role"])[:8])
                             for p in snapshot["partners"]])
    for partner in snapshot["partners"]:
        name = _flat(partner["name"])
        name_end = text.index(name[-12:], text.index(name[:8])) + 12  # the name, then its fields, then its tasks
        assert name_end < text.index(partner["uscc"], name_end) < text.index(_flat(partner["role"])[:8], name_end)


def test_largest_task_book_renders_every_part_on_bounded_pages(largest, officer):
    project = largest_project(largest, officer=officer)
    snapshot = largest.versions.get().snapshot
    pages, text = _pages_and_text(task_book_pdf(project))
    assert 15 <= pages <= 22, pages
    assert text.count("合作单位10") >= 2  # in the partners' table and among the signing parties
    assert _flat(snapshot["partners"][-1]["role"])[-12:] in text
    assert _flat(largest.track.kpis.order_by("seq").last().metric) in text
    assert _flat(snapshot["budget"][-1]["item"])[-12:] in text
    assert text.rindex("合作单位10") > text.rindex("签署")  # the last partner signs last


class _NoRender:
    """WeasyPrint left out: the queries are the export's own."""

    def __init__(self, *args, **kwargs):
        pass

    def write_pdf(self, *args, **kwargs) -> bytes:
        return b"%PDF-1.7\n"


def test_application_pdf_queries_fixed_in_partners_kpis_and_files(submitted, largest, monkeypatch,
                                                                  django_assert_num_queries):
    monkeypatch.setattr("weasyprint.HTML", _NoRender)
    assert len(submitted.versions.get().snapshot["partners"]) == 1
    with django_assert_num_queries(4):
        application_pdf(submitted)
    with django_assert_num_queries(4):  # 10 partners, 23 KPIs, 50 files, 20 budget lines
        application_pdf(largest)


def test_task_book_queries_fixed_in_partners_and_kpis(submitted, largest, officer, monkeypatch,
                                                      django_assert_num_queries):
    small, large = largest_project(submitted, officer=officer), largest_project(largest, officer=officer)
    monkeypatch.setattr("weasyprint.HTML", _NoRender)
    with django_assert_num_queries(4):
        task_book_pdf(small)
    with django_assert_num_queries(4):
        task_book_pdf(large)


def test_pdf_timings_reports_both_pdfs_of_the_largest_application(largest, officer):
    project = largest_project(largest, officer=officer)
    timings = pdf_timings(largest, project, runs=1)
    assert set(timings) == {"application_pdf", "task_book_pdf"}
    assert all(t.pages > 0 and t.size > 0 and t.seconds > 0 and len(t.runs) == 1 for t in timings.values())
