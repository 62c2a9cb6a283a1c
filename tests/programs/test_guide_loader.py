"""Reloading guides on a database in use: nothing an application points to is dropped, nothing changes twice."""

import copy
import logging
from io import StringIO

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Application, KPICommitment, MaterialUpload
from programs.models import KPI, Criterion, EligibilityRule, KPIGroup, Material, Origin, Program, Rubric, Track, Tranche
from tests.applications.conftest import make_org, pdf_upload, valid_draft, valid_submission
from tests.conftest import load_guides

from .test_validate_guide import VALID, write

pytestmark = pytest.mark.django_db

NANSHA = "nansha-2024-high-value-patent-center"
PROGRAM_MODELS = (Program, Track, Tranche, KPIGroup, KPI, EligibilityRule, Material, Rubric, Criterion)


def dump() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in PROGRAM_MODELS}


def _guide(**track) -> dict:
    data = copy.deepcopy(VALID)
    data["program"]["tracks"][0].update(track)
    return data


def _application(applicant, track: Track) -> Application:
    org = make_org(applicant, region=track.program.region_id)
    return Application.objects.create(reference=f"T-{track.pk}-{org.pk}", track=track, organisation=org,
                                      created_by=applicant)


def test_guide_loader_archives_a_committed_kpi_and_restores_it(tmp_path, applicant, caplog):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    track = Track.objects.get(program__code="test-guide")
    kpi = track.kpis.get()
    application = _application(applicant, track)
    KPICommitment.objects.create(application=application, kpi=kpi, value=1)

    with caplog.at_level(logging.WARNING, logger="programs.guide_loader"):
        call_command("loaddata", write(tmp_path, _guide(kpis=[])), verbosity=0)
    kpi.refresh_from_db()
    assert kpi.archived_at is not None
    assert not track.kpis.active().exists() and list(track.kpis.archived()) == [kpi]
    assert KPICommitment.objects.filter(application=application, kpi=kpi).exists()
    # loaddata says what it kept: one warning naming the program, the track and the KPI.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "test-guide / 1" in warnings[0] and "报告" in warnings[0]

    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    kpi.refresh_from_db()
    assert kpi.archived_at is None and kpi.seq == 1
    assert list(track.kpis.active()) == [kpi]


def test_guide_loader_deletes_an_unreferenced_dropped_row(tmp_path):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    track = Track.objects.get(program__code="test-guide")
    call_command("loaddata", write(tmp_path, _guide(kpis=[], materials=[], rules=[])), verbosity=0)
    assert not KPI.objects.filter(track=track).exists()
    assert not Material.objects.filter(track=track).exists()
    assert not EligibilityRule.objects.filter(track=track).exists()


def test_guide_loader_keeps_the_committed_kpi_row_when_the_list_grows_in_front(tmp_path, applicant):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    track = Track.objects.get(program__code="test-guide")
    kpi = track.kpis.get()
    KPICommitment.objects.create(application=_application(applicant, track), kpi=kpi, value=1)
    first = {"metric": "委派高管", "comparator": "gte", "target": "1", "unit": "名", "text": "委派1名高管"}
    call_command("loaddata", write(tmp_path, _guide(kpis=[first, *VALID["program"]["tracks"][0]["kpis"]])),
                 verbosity=0)
    kpi.refresh_from_db()
    assert (kpi.seq, kpi.metric, kpi.archived_at) == (2, "报告", None)
    assert list(track.kpis.active().values_list("seq", "metric")) == [(1, "委派高管"), (2, "报告")]


def test_guide_loader_archives_an_uploaded_material_clear_of_the_guides_numbers(tmp_path, applicant):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    track = Track.objects.get(program__code="test-guide")
    material = track.materials.get()
    MaterialUpload.objects.create(application=_application(applicant, track), material=material, file="x.pdf",
                                  original_name="x.pdf", size=1, content_type="application/pdf", sha256="0" * 64,
                                  uploaded_by=applicant)
    replaced = _guide(materials=[{"title": "营业执照"}])
    call_command("loaddata", write(tmp_path, replaced), verbosity=0)
    material.refresh_from_db()
    assert material.archived_at is not None and material.seq == 2
    assert list(track.materials.active().values_list("seq", "title")) == [(1, "营业执照")]
    before = dump()
    call_command("loaddata", write(tmp_path, replaced), verbosity=0)
    assert dump() == before


def test_guide_loader_never_touches_office_rows(tmp_path):
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    track = Track.objects.get(program__code="test-guide")
    office = Material.objects.create(track=track, seq=1000, origin=Origin.OFFICE, title="补充材料")
    call_command("loaddata", write(tmp_path, _guide(materials=[])), verbosity=0)
    office.refresh_from_db()
    assert (office.seq, office.title, office.archived_at) == (1000, "补充材料", None)
    assert list(track.materials.active()) == [office]


def test_guide_loader_archives_a_dropped_track_with_applications_and_deletes_one_without(tmp_path, applicant):
    two = copy.deepcopy(VALID)
    second = copy.deepcopy(two["program"]["tracks"][0])
    second["code"] = "2"
    two["program"]["tracks"].append(second)
    third = copy.deepcopy(second)
    third["code"] = "3"
    two["program"]["tracks"].append(third)
    call_command("loaddata", write(tmp_path, two), verbosity=0)
    used = Track.objects.get(program__code="test-guide", code="2")
    _application(applicant, used)
    call_command("loaddata", write(tmp_path, VALID), verbosity=0)
    used.refresh_from_db()
    assert used.archived_at is not None
    assert not Track.objects.filter(program__code="test-guide", code="3").exists()
    assert list(Track.objects.filter(program__code="test-guide").active().values_list("code", flat=True)) == ["1"]
    call_command("loaddata", write(tmp_path, two), verbosity=0)
    used.refresh_from_db()
    assert used.archived_at is None


def test_guides_reload_twice_on_a_database_in_use_changes_nothing(applicant, django_capture_on_commit_callbacks):
    """`make run` twice: demo data, an application with KPI commitments and an upload, then the guides again."""
    call_command("seed_demo", stdout=StringIO())
    track = Track.objects.select_related("program").get(program__code=NANSHA)
    demo_material = track.materials.get(origin=Origin.OFFICE)
    assert demo_material.seq >= 1000
    org = make_org(applicant)
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    services.material_upload(actor=applicant, application=application, material=demo_material,
                             uploaded_file=pdf_upload())
    with django_capture_on_commit_callbacks(execute=False):
        services.application_submit(actor=applicant, application=application, data=valid_submission(track))
    commitments = KPICommitment.objects.filter(application=application).count()
    assert commitments == track.kpis.count() and MaterialUpload.objects.filter(application=application).exists()

    load_guides()  # the second `make run`: must not fail
    before = dump()
    load_guides()
    assert dump() == before
    assert KPICommitment.objects.filter(application=application).count() == commitments
    assert not KPI.objects.archived().exists() and not Material.objects.archived().exists()
    assert Material.objects.get(pk=demo_material.pk).origin == Origin.OFFICE

