"""Real concurrent requests (threads, each with its own database connection) on the configured database.

On the default SQLite, a write that starts while an autosave is in flight must wait its turn instead
of failing with "database is locked"; parallel submits give one version and a clear message to the rest.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationVersion, Status
from audit.models import AuditEvent
from programs.models import Material, Track

from .conftest import NANSHA, make_org, open_call, pdf_upload, valid_draft


@pytest.fixture
def race_setup(guides_loaded, applicant):
    track = Track.objects.select_related("program").get(program__code=NANSHA)
    open_call(track.program)
    material, _created = Material.objects.get_or_create(track=track, seq=1,
                                                        defaults={"title": "项目申报书", "required": True})
    org = make_org(applicant)
    application = services.application_start(actor=applicant, track=track, organisation=org)
    services.application_save_draft(actor=applicant, application=application, data=valid_draft(track))
    services.material_upload(actor=applicant, application=application, material=material,
                             uploaded_file=pdf_upload())
    return track, application


def run_parallel(user, requests: list[tuple[str, dict]]) -> list:
    """POST each (url, data) from its own thread, all released at once; return the responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def worker(i: int, url: str, data: dict) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        barrier.wait()
        try:
            responses[i] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, url, data)) for i, (url, data) in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return responses


def with_declaration(data: dict) -> dict:
    return data  # valid_draft ticks the declaration


def test_autosave_racing_saves_never_answers_500(race_setup, applicant):
    track, application = race_setup
    autosave = reverse("applications:autosave", args=[application.pk])
    edit = reverse("applications:edit", args=[application.pk])
    base = valid_draft(track)
    requests = [(autosave, {**base, "title": f"自动保存{i}"}) for i in range(4)]
    requests += [(edit, {**base, "title": "明确保存", "action": "save"})]
    responses = run_parallel(applicant, requests)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200]
    assert all(r.json()["saved"] for r in responses[:4])
    application.refresh_from_db()
    assert application.draft["title"] in {"明确保存", *(f"自动保存{i}" for i in range(4))}


def test_submit_racing_autosaves_submits_once_without_500(race_setup, applicant):
    track, application = race_setup
    autosave = reverse("applications:autosave", args=[application.pk])
    edit = reverse("applications:edit", args=[application.pk])
    data = with_declaration(valid_draft(track))
    requests = [(autosave, data) for _ in range(3)] + [(edit, {**data, "action": "submit"})]
    responses = run_parallel(applicant, requests)
    assert all(r.status_code != 500 for r in responses)
    assert responses[-1].status_code == 302  # submitted
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.version == 1
    # An autosave that arrives after the submission is refused with a message, not a 500.
    assert all(r.status_code in (200, 409) for r in responses[:3])


def test_parallel_submits_give_one_version_and_already_submitted_to_the_rest(race_setup, applicant):
    track, application = race_setup
    edit = reverse("applications:edit", args=[application.pk])
    data = {**with_declaration(valid_draft(track)), "action": "submit"}
    responses = run_parallel(applicant, [(edit, data)] * 10)
    assert [r.status_code for r in responses] == [302] * 10
    assert ApplicationVersion.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(object_id=str(application.pk), action="submit").count() == 1
    detail = reverse("applications:detail", args=[application.pk])
    assert all(r["Location"] == detail for r in responses)
    # Every request's session holds one message: one "submitted", nine "already submitted".
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
