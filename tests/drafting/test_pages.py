"""The guide-draft pages and services: upload, read beside the text, fill, edit, load when confirmed."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from core.pdf import html_to_pdf
from drafting import services
from drafting.models import DraftStatus, GuideDraft
from programs.models import Program
from programs.selectors import program_list

GUIDES = Path(__file__).resolve().parents[2].parent / "shared" / "guides"
NANSHA = "nansha-2024-high-value-patent-center"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not GUIDES.is_dir(), reason="the guides' texts are in ../shared/guides")]


def _nansha() -> bytes:
    return (GUIDES / f"{NANSHA}.txt").read_bytes()


def _create(admin, content=None, name="南沙2024.txt", kind="text") -> GuideDraft:
    return services.guide_draft_create(actor=admin, name=name, content=content or _nansha(), kind=kind)


def _ready(admin) -> GuideDraft:
    """A drafted Nansha guide under a new code, its flagged prefix filled in."""
    draft = _create(admin)
    draft = services.guide_draft_fill(actor=admin, draft_id=draft.pk, holder="program", field="code",
                                      value="nansha-drafted-2024")
    draft = services.guide_draft_fill(actor=admin, draft_id=draft.pk, holder="program", field="issuer",
                                      value="广州市南沙区市场监督管理局")
    return services.guide_draft_fill(actor=admin, draft_id=draft.pk, holder="program", field="reference_prefix",
                                     value="NSD2024")


def test_guide_draft_create_keeps_the_text_and_the_draft_and_names_what_needs_a_person(admin):
    draft = _create(admin)
    assert draft.status == DraftStatus.DRAFTED and "高价值专利培育布局中心" in draft.source_text
    assert "budget: '300000.00'" in draft.draft_yaml
    assert len(draft.problems) == 2  # the issuer and the reference prefix, each with the title's line
    assert "program.reference_prefix" in draft.problems[1] and "program.issuer" in draft.problems[0]
    assert "2024年度南沙区高价值专利培育布局中心" in draft.problems[1]
    assert AuditEvent.objects.filter(action="guide_draft_create", object_id=str(draft.pk)).count() == 1
    assert not Program.objects.filter(code="南沙2024").exists()


def test_guide_draft_create_refuses_other_roles(officer):
    with pytest.raises(PermissionDenied):
        _create(officer)
    assert not GuideDraft.objects.exists()


def test_guide_draft_create_reads_a_word_file(admin):
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in _nansha().decode().splitlines())
    xml = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body>{paragraphs}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    draft = _create(admin, content=buffer.getvalue(), name="nansha.docx", kind="docx")
    assert "budget: '300000.00'" in draft.draft_yaml and "kind: rd_intensity" in draft.draft_yaml


def test_guide_draft_create_reads_a_text_pdf(admin):
    lines = "".join(f"<p>{line}</p>" for line in _nansha().decode().splitlines() if line.strip())
    pdf = html_to_pdf(f"<html><body>{lines}</body></html>")
    draft = _create(admin, content=pdf, name="nansha.pdf", kind="pdf")
    assert "budget: '300000.00'" in draft.draft_yaml and "share_percent: '50'" in draft.draft_yaml


def test_guide_draft_create_refuses_a_file_that_is_not_word(admin):
    with pytest.raises(ValidationError) as caught:
        _create(admin, content=b"not a zip", name="nansha.docx", kind="docx")
    assert caught.value.code == "docx"
    assert not GuideDraft.objects.exists()


def test_guide_draft_fill_sets_the_value_and_drops_its_note(admin):
    draft = _ready(admin)
    assert draft.problems == []
    assert "reference_prefix: NSD2024" in draft.draft_yaml and "needs_person" not in draft.draft_yaml
    event = AuditEvent.objects.filter(action="guide_draft_fill").latest("pk")
    assert (event.reason, event.data["after"]) == ("program.reference_prefix", "NSD2024")


def test_guide_draft_fill_refuses_a_missing_item(admin):
    draft = _create(admin)
    with pytest.raises(ValidationError):
        services.guide_draft_fill(actor=admin, draft_id=draft.pk, holder="tracks.9", field="title", value="x")


def test_guide_draft_save_keeps_a_broken_edit_and_names_the_problem(admin):
    draft = _create(admin)
    draft = services.guide_draft_save(actor=admin, draft_id=draft.pk, yaml_text="program: [unclosed\n")
    assert draft.draft_yaml == "program: [unclosed\n"
    assert len(draft.problems) == 1 and "YAML" in draft.problems[0]


def test_guide_draft_load_is_refused_while_a_person_is_needed(admin):
    draft = _create(admin)
    with pytest.raises(ValidationError) as caught:
        services.guide_draft_load(actor=admin, draft_id=draft.pk)
    assert caught.value.code == "problems"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFTED and draft.program is None


def test_guide_draft_load_loads_the_program_as_loaddata_would(admin):
    draft = services.guide_draft_load(actor=admin, draft_id=_ready(admin).pk)
    program = Program.objects.get(code="nansha-drafted-2024")
    assert (draft.status, draft.program, draft.loaded_by) == (DraftStatus.LOADED, program, admin)
    track = program.tracks.get()
    assert (str(track.budget), track.award_mode, track.tranches.count()) == ("300000.00", "fixed", 2)
    assert set(track.rules.values_list("kind", flat=True)) >= {"region", "org_type", "rd_intensity", "officer"}
    assert program.code in program_list().values_list("code", flat=True)
    with pytest.raises(ValidationError):
        services.guide_draft_load(actor=admin, draft_id=draft.pk)


def test_draft_page_shows_the_guide_beside_the_facts_linked_to_their_lines(client, admin):
    draft = _create(admin)
    client.force_login(admin)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'id="L9"' in page and 'href="#L9"' in page  # 1.所在产业为… → its officer rule
    assert 'data-field="reference_prefix"' in page


def test_draft_page_upload_fill_and_load(client, admin):
    client.force_login(admin)
    upload = io.BytesIO(_nansha())
    upload.name = "nansha-upload-2024.txt"
    response = client.post(reverse("drafting:list"), {"file": upload})
    draft = GuideDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("drafting:detail", args=[draft.pk])
    for field, value in (("issuer", "广州市南沙区市场监督管理局"), ("reference_prefix", "NSU2024")):
        client.post(reverse("drafting:fill", args=[draft.pk]), {"holder": "program", "field": field, "value": value})
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'id="draft-yaml"' in page and 'id="draft-load"' in page
    client.post(reverse("drafting:load", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.LOADED and draft.program.code == "nansha-upload-2024"
    # Loaded, the draft is the record of that load: the page offers no step any more, and a step is refused.
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    for form in ('id="draft-yaml"', 'id="draft-load"', 'id="draft-flagged"', 'id="draft-valid"'):
        assert form not in page
    assert 'data-status="loaded"' in page
    client.post(reverse("drafting:save", args=[draft.pk]), {"draft_yaml": "x: 1"})
    draft.refresh_from_db()
    assert draft.draft_yaml != "x: 1"


def test_draft_list_queries_do_not_grow_with_drafts(client, admin):
    client.force_login(admin)
    _create(admin)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("drafting:list"))
    _create(admin)
    _create(admin)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("drafting:list")).content.decode()
    assert page.count('data-draft="') == 3
    assert len(three) == len(one)


def test_draft_page_warns_when_loading_would_update_a_program(client, admin):
    draft = _create(admin, name=f"{NANSHA}.txt")
    client.force_login(admin)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'id="draft-replaces"' in page and NANSHA in page
    other = _create(admin, name="another-guide-2024.txt")
    assert 'id="draft-replaces"' not in client.get(reverse("drafting:detail", args=[other.pk])).content.decode()
