"""An officer on the staff of every office (every officer, after the migration that brought offices) is read with
that fact when signed in (offices.backends), at no query of its own; its lists then carry no office filter, and it
gets nothing more than its memberships give: no office to administer, no step on the shared expert pool."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offices.models import Office, OfficeMembership
from offices.selectors import administers, may_act_in, may_read, office_scope, works_for_every_office
from tests import office_officers

from .test_offices_scope import queue_refs

pytestmark = pytest.mark.django_db
nansha_officer, yuexiu_officer, gz_officer, province_officer = (
    office_officers.nansha_officer, office_officers.yuexiu_officer, office_officers.gz_officer,
    office_officers.province_officer)


def signed_in(client, user):
    """The user as a request sees it: loaded from the session by the sign-in backend."""
    client.force_login(user)
    response = client.get(reverse("applications:officer_queue"))
    assert response.status_code == 200
    return response.wsgi_request.user


def test_backend_reads_with_the_user_whether_it_works_for_every_office(client, officer, nansha_officer):
    assert 1 < Office.objects.count() == OfficeMembership.objects.filter(user=officer).count()
    assert signed_in(client, officer).works_for_every_office is True
    assert signed_in(client, nansha_officer).works_for_every_office is False


def test_backend_flag_turns_off_when_an_office_is_added_or_a_membership_removed(client, officer):
    from organisations.models import Region

    Office.objects.create(code="gz-huangpu", name="黄埔区知识产权局", region=Region.objects.get(code="440112"),
                          parent_id="gz")
    assert signed_in(client, officer).works_for_every_office is False  # a new office's programs are not its own
    OfficeMembership.objects.create(office_id="gz-huangpu", user=officer)
    assert signed_in(client, officer).works_for_every_office is True
    OfficeMembership.objects.filter(office_id="gz-nansha", user=officer).delete()
    assert signed_in(client, officer).works_for_every_office is False


def test_signing_in_reads_the_flag_in_the_user_query_and_no_query_more(client, officer, nansha_officer, submitted):
    counts, sql = {}, {}
    for user in (officer, nansha_officer):
        client.force_login(user)
        client.get(reverse("applications:officer_queue"))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("applications:officer_queue"))
        counts[user.username] = len(captured)
        sql[user.username] = [q["sql"] for q in captured]
    assert counts[officer.username] == counts[nansha_officer.username]
    user_query = next(q for q in sql[officer.username] if 'FROM "accounts_user"' in q)
    assert "works_for_every_office" in user_query
    # Every office's officer: the queue's rows carry no office filter; Nansha's officer's do.
    rows = [q for q in sql[officer.username] if 'FROM "applications_application"' in q]
    assert rows and not any("offices_office" in q for q in rows)
    # Nansha's officer's rows name its office, read with the user: no subquery over offices and memberships.
    scoped = [q for q in sql[nansha_officer.username] if 'FROM "applications_application"' in q]
    assert scoped and all("gz-nansha" in q and "offices_office" not in q for q in scoped)


def test_every_office_officer_lists_what_the_filter_would_list(client, officer, submitted, yuexiu_officer):
    assert queue_refs(client, officer) == {submitted.reference}  # Nansha's application: its office is one of all
    assert queue_refs(client, yuexiu_officer) == set()


def test_every_office_officer_administers_nothing_and_takes_no_step_on_the_shared_pool(client, officer):
    user = signed_in(client, officer)
    assert works_for_every_office(user)
    assert may_act_in(user, "gz-nansha") and may_read(user, "gd")
    assert not administers(user, "gz-nansha")  # only an office's admin membership makes an administrator
    assert not may_act_in(user, None) and not may_read(user, None)  # the shared pool is the platform admin's
    assert office_scope(user, "office").children == []  # no filter: every row is its offices'


def test_a_user_loaded_elsewhere_is_filtered_as_before(officer):
    from django.contrib.auth import get_user_model

    plain = get_user_model().objects.get(pk=officer.pk)  # a task or a service re-reading its actor: no flag
    assert not works_for_every_office(plain)
    assert office_scope(plain, "office").children  # the subquery filter, which keeps every office's rows
    assert set(Office.objects.filter(office_scope(plain, "code")).values_list("code", flat=True)) == set(
        Office.objects.values_list("code", flat=True))


def test_signed_in_users_carry_the_codes_of_the_offices_they_work_for_and_read(client, officer, nansha_officer,
                                                                              gz_officer, province_officer):
    from offices.models import Office
    from offices.selectors import known_codes, offices_acted_by, offices_read_by

    Office.objects.filter(code="gz-yuexiu").update(parent_reads=False)  # Yuexiu keeps its programs from above
    for user in (nansha_officer, gz_officer, province_officer):
        loaded = signed_in(client, user)
        assert known_codes(loaded) == sorted(offices_read_by(user).values_list("code", flat=True))
        assert known_codes(loaded, act=True) == sorted(offices_acted_by(user).values_list("code", flat=True))
    assert known_codes(signed_in(client, gz_officer)) == ["gz", "gz-nansha"]  # not Yuexiu: it said no
    assert known_codes(signed_in(client, province_officer), act=True) == ["gd"]
    plain = type(officer).objects.get(pk=officer.pk)
    assert known_codes(plain) is None  # loaded elsewhere: the subquery filter
