"""The Django admin over applications: read-only, deletion removes files, fixed query counts."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.models import Application, ApplicationVersion, KPICommitment, MaterialUpload
from audit.models import AuditEvent
from organisations.models import Region
from programs.models import KPI, Material, Program

from .test_queue import copies

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(application: Application, n: int) -> None:
    """More KPI commitments, uploads and versions on one application."""
    track = application.track
    for i in range(n):
        kpi = KPI.objects.create(track=track, seq=100 + i, metric=f"指标{i}", comparator="gte", target=1, unit="件")
        KPICommitment.objects.create(application=application, kpi=kpi, value=2, note="按期")
        material = Material.objects.create(track=track, seq=100 + i, title=f"材料{i}", required=False)
        MaterialUpload.objects.create(application=application, material=material, file=f"materials/{i}.pdf",
                                      original_name=f"{i}.pdf", size=1, content_type="application/pdf",
                                      sha256="0" * 64, uploaded_by=application.created_by)
        ApplicationVersion.objects.create(application=application, number=10 + i, submitted_at=application.submitted_at,
                                          submitted_by=application.created_by, snapshot={})


def test_admin_application_change_form_query_count_constant(client, admin, submitted, django_assert_num_queries):
    client.force_login(admin)
    url = reverse("admin:applications_application_change", args=[submitted.pk])
    one = queries_for(client, url)
    grow(submitted, 12)
    with django_assert_num_queries(one):
        body = client.get(url).content.decode()
    assert "材料11" in body and "指标11" in body


def test_admin_application_changelist_query_count_constant(client, admin, submitted, django_assert_num_queries):
    client.force_login(admin)
    url = reverse("admin:applications_application_changelist")
    one = queries_for(client, url)
    copies(submitted, 40)
    with django_assert_num_queries(one):
        client.get(url)


def test_admin_program_change_form_query_count_constant(client, admin, django_assert_num_queries):
    client.force_login(admin)
    program = Program.objects.filter(region__isnull=False).first()
    url = reverse("admin:programs_program_change", args=[program.pk])
    before = queries_for(client, url)
    city = Region.objects.filter(level="city").first()
    Region.objects.bulk_create(Region(code=f"99{i:04d}", name=f"新区{i}", level="district", parent=city)
                               for i in range(30))
    with django_assert_num_queries(before):
        client.get(url)
    assert before < 20


@pytest.mark.parametrize("name", ["organisations_region", "programs_program", "organisations_organisation"])
def test_admin_changelists_query_count_constant(client, admin, name, django_assert_num_queries):
    client.force_login(admin)
    url = reverse(f"admin:{name}_changelist")
    before = queries_for(client, url)
    city = Region.objects.filter(level="city").first()
    Region.objects.bulk_create(Region(code=f"98{i:04d}", name=f"新区{i}", level="district", parent=city)
                               for i in range(30))
    with django_assert_num_queries(before):
        client.get(url)


def test_admin_application_is_read_only(client, admin, submitted):
    client.force_login(admin)
    url = reverse("admin:applications_application_change", args=[submitted.pk])
    body = client.get(url).content.decode()
    assert 'name="_save"' not in body and 'name="title"' not in body
    response = client.post(url, {"title": "管理员改的标题", "requested_amount": "1"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.title == "南沙新能源电池高价值专利组合培育"


def test_admin_add_application_refused_not_500(client, admin):
    client.force_login(admin)
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert "applications/application/add/" not in client.get(
        reverse("admin:applications_application_changelist")).content.decode()


def test_admin_application_shows_the_verdict_as_a_table(client, admin, submitted):
    client.force_login(admin)
    body = client.get(reverse("admin:applications_application_change", args=[submitted.pk])).content.decode()
    from django.utils.html import escape

    from applications.eligibility import RuleResult

    with translation.override("zh-hans"):
        first = RuleResult.from_dict(submitted.verdict["results"][0]).reason
    assert "<table" in body and escape(first) in body
    assert '"results"' not in body and "rule_id" not in body


def test_admin_delete_application_removes_its_files(client, admin, submitted, django_capture_on_commit_callbacks):
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    submitted.refresh_from_db()
    paths = [Path(u.file.path) for u in submitted.uploads.all()] + [Path(submitted.pdf_file.path)]
    assert paths and all(p.exists() for p in paths)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:applications_application_delete", args=[submitted.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Application.objects.filter(pk=submitted.pk).exists()
    assert not any(p.exists() for p in paths)
    event = AuditEvent.objects.get(object_id=str(submitted.pk), action="delete")
    assert event.actor == admin and event.data["reference"] == submitted.reference


def test_admin_bulk_delete_goes_through_the_service(client, admin, submitted, django_capture_on_commit_callbacks):
    path = Path(submitted.uploads.get().file.path)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:applications_application_changelist"),
                    {"action": "delete_selected", "_selected_action": [submitted.pk], "post": "yes"})
    assert not Application.objects.filter(pk=submitted.pk).exists() and not path.exists()


def test_application_delete_refused_for_officers(officer, submitted):
    with pytest.raises(services.PermissionDenied):
        services.application_delete(actor=officer, application=submitted)
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_admin_view_site_link_opens_the_catalogue(client, admin):
    client.force_login(admin)
    body = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("programs:catalogue")}"' in body
    assert client.get(reverse("programs:catalogue")).status_code == 200


def test_admin_application_labels_in_chinese(client, admin, submitted):
    client.force_login(admin)
    body = client.get(reverse("admin:applications_application_change", args=[submitted.pk])).content.decode()
    for english in ("Uploaded by", "Sha256", "Submitted by", "Material upload", "Application version",
                    "Kpi commitment", "Django administration"):
        assert english not in body, english
