import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from audit.models import AuditEvent
from audit.services import record_event
from programs.models import Program, Track
from tests.applications.conftest import make_org

pytestmark = pytest.mark.django_db
NANSHA = "nansha-2024-high-value-patent-center"


def _application(applicant, track) -> Application:
    from applications import services

    return services.application_start(actor=applicant, track=track, organisation=make_org(applicant))


def test_record_event_gives_an_application_its_program_office_in_one_insert(applicant, officer, nansha):
    application = Application.objects.get(pk=_application(applicant, nansha).pk)  # no relation loaded
    ContentType.objects.get_for_model(Application)
    with CaptureQueriesContext(connection) as queries:
        event = record_event(target=application, actor=officer, action="note")
    assert len(queries) == 1
    event.refresh_from_db()
    assert event.office == "gz-nansha"


def test_record_event_reads_the_office_from_loaded_relations(applicant, officer, nansha):
    application = Application.objects.select_related("track__program").get(pk=_application(applicant, nansha).pk)
    with CaptureQueriesContext(connection) as queries:
        event = record_event(target=application, actor=officer, action="note")
    assert len(queries) == 1 and "SELECT" not in queries[0]["sql"].split("RETURNING")[0].upper().replace(
        "INSERT", "")
    assert event.office == "gz-nansha"


def test_record_event_of_programs_tracks_and_organisations(officer, applicant):
    program = Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan")
    assert record_event(target=program, actor=officer, action="x").office == "gz-yuexiu"
    track = Track.objects.filter(program=program).first()
    event = record_event(target=track, actor=officer, action="x")
    event.refresh_from_db()
    assert event.office == "gz-yuexiu"
    assert record_event(target=make_org(applicant), actor=officer, action="x").office is None


def test_application_steps_carry_the_office(applicant, nansha):
    application = _application(applicant, nansha)
    offices = set(AuditEvent.objects.filter(object_id=str(application.pk),
                                            content_type__model="application").values_list("office", flat=True))
    assert offices == {"gz-nansha"}


def test_admin_audit_search_filters_by_office(client, admin, officer):
    yuexiu = record_event(target=Program.objects.get(code="yuexiu-2018-ip-operation-fund-plan"), actor=officer,
                          action="x")
    nansha = record_event(target=Program.objects.get(code=NANSHA), actor=officer, action="x")
    client.force_login(admin)
    page = client.get(reverse("dashboards:admin"), {"office": "gz-nansha"}).content.decode()
    assert f'data-event="{nansha.pk}"' in page and f'data-event="{yuexiu.pk}"' not in page
    page = client.get(reverse("dashboards:admin"), {"office": "nowhere"}).content.decode()
    assert f'data-event="{nansha.pk}"' not in page and "is-invalid" in page


def test_audit_fill_office_fills_events_written_before_offices(officer, applicant, nansha):
    import io

    from django.core.management import call_command

    application = _application(applicant, nansha)
    organisation_event = record_event(target=make_org(applicant), actor=officer, action="x")
    AuditEvent.objects.update(office=None)
    call_command("audit_fill_office", stdout=io.StringIO())
    assert set(AuditEvent.objects.filter(content_type__model="application", object_id=str(application.pk))
               .values_list("office", flat=True)) == {"gz-nansha"}
    assert AuditEvent.objects.get(pk=organisation_event.pk).office is None
