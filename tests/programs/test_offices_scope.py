"""Offices (issue 19): a program's steps (call window, publishing a draft for comment, a track's tranche plan) are
taken by the officers of its office; the office above reads the program's pages without the step buttons, and a
step asked by it or by another office answers 404 (as for a wrong role) and changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from programs.models import Program, Track
from programs.services import program_publish, program_set_call_window, track_plan_set
from tests import office_officers

from .test_publish import YUEXIU, draft_guide  # noqa: F401  (Yuexiu's guide made a draft for comment)
from .test_tranche_plan import HALVES, plan_post

pytestmark = pytest.mark.django_db
NANSHA = office_officers.NANSHA_PROGRAM
nansha_officer, yuexiu_officer, gz_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer)
WINDOW = {"opens": "2030-03-01", "closes": "2030-04-01", "reason": "局务会决定"}


def window(code: str = NANSHA) -> tuple:
    return Program.objects.filter(code=code).values_list("call_opens", "call_closes").get()


def test_call_window_page_for_the_offices_officers_only(client, nansha_officer, yuexiu_officer, gz_officer):
    url = reverse("programs:call_window", args=[NANSHA])
    before = window()
    for outsider in (yuexiu_officer, gz_officer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, WINDOW).status_code == 404
    assert window() == before
    assert not AuditEvent.objects.filter(action="set_call_window").exists()
    client.force_login(nansha_officer)
    assert client.post(url, WINDOW).status_code == 302
    assert window() == (dt.date(2030, 3, 1), dt.date(2030, 4, 1))


def test_program_page_offers_the_call_window_step_only_to_the_offices_officers(client, nansha_officer,
                                                                               yuexiu_officer, gz_officer):
    url, step = reverse("programs:program", args=[NANSHA]), reverse("programs:call_window", args=[NANSHA])
    client.force_login(nansha_officer)
    assert step in client.get(url).content.decode()
    for reader in (gz_officer, yuexiu_officer):  # the catalogue is public; the step is not theirs
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and step not in response.content.decode()


def test_set_call_window_service_refuses_the_parent_office(gz_officer):
    program = Program.objects.get(code=NANSHA)
    before = window()
    with pytest.raises(PermissionDenied):
        program_set_call_window(actor=gz_officer, program=program, opens=dt.date(2030, 3, 1),
                                closes=dt.date(2030, 4, 1))
    assert window() == before


def test_publish_only_by_the_offices_officers(client, draft_guide, nansha_officer, yuexiu_officer, gz_officer):  # noqa: F811
    url = reverse("programs:publish", args=[YUEXIU])
    for outsider in (nansha_officer, gz_officer):  # another district; Yuexiu's parent
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "局务会决定"}).status_code == 404
        with pytest.raises(PermissionDenied):
            program_publish(actor=outsider, program=draft_guide, reason="局务会决定")
    assert Program.objects.get(code=YUEXIU).published_at is None
    client.force_login(yuexiu_officer)
    assert url in client.get(reverse("programs:program", args=[YUEXIU])).content.decode()
    client.post(url, {"reason": "局务会决定"})
    assert Program.objects.get(code=YUEXIU).published_by == yuexiu_officer


def test_tranche_plan_only_by_the_offices_officers(client, nansha_officer, yuexiu_officer, gz_officer):
    track = Track.objects.get(program__code=NANSHA, code="1")
    before = list(track.tranches.values_list("seq", "share_percent", "trigger"))
    page, url = (reverse("programs:track", args=[NANSHA, "1"]), reverse("programs:track_plan", args=[NANSHA, "1"]))
    for outsider in (yuexiu_officer, gz_officer):
        client.force_login(outsider)
        response = client.get(page)
        assert response.status_code == 200 and response.context["plan_form"] is None
        assert client.post(url, plan_post()).status_code == 404
        with pytest.raises(PermissionDenied):
            track_plan_set(actor=outsider, track=track, rows=HALVES)
    assert list(track.tranches.values_list("seq", "share_percent", "trigger")) == before
    client.force_login(nansha_officer)
    assert client.get(page).context["plan_form"] is not None
    assert client.post(url, plan_post()).status_code == 302
    assert [t.trigger for t in track.tranches.order_by("seq")] == ["on_contract", "on_acceptance"]


