"""The audit log by actor: a user name picks that user alone and the events are filtered on their id (an
(actor, time) index gives the newest first without reading the rest); the count stops ten pages ahead, so a busy
officer's tens of thousands of events are never all read for one page."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from audit.selectors import audit_search
from programs.models import Program
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# session, user, the actor's id by user name, the count (ten pages ahead at most), the page's events, guides, users
# per role, object types and offices (the search form), the calendar's last known year, the header's unread count
BY_ACTOR_QUERIES = 11


def _events(actor, n: int, *, start=None) -> list[AuditEvent]:
    program = Program.objects.order_by("pk").first()
    kind = ContentType.objects.get_for_model(Program)
    start = start or timezone.now() - dt.timedelta(days=1)
    events = AuditEvent.objects.bulk_create([
        AuditEvent(content_type=kind, object_id=str(program.pk), actor=actor, action="publish", reason=f"第{i}次")
        for i in range(n)])
    for i, event in enumerate(events):  # a distinct time each, the last one newest
        AuditEvent.objects.filter(pk=event.pk).update(at=start + dt.timedelta(seconds=i))
    return events


def test_audit_search_by_a_user_name_is_that_user_alone_and_part_of_a_name_is_everyone_it_matches(officer):
    namesake = UserFactory(role=Role.OFFICER, username=f"{officer.username}2", full_name="另一位审核员")
    mine, theirs = _events(officer, 2), _events(namesake, 3)
    assert {e.pk for e in audit_search(actor=officer.username.upper())} == {e.pk for e in mine}
    assert {e.pk for e in audit_search(actor=officer.username[:-1])} == {e.pk for e in mine + theirs}
    assert {e.pk for e in audit_search(actor="另一位")} == {e.pk for e in theirs}
    assert list(audit_search(actor="nobody-at-all")) == []


def test_audit_search_by_actor_filters_on_the_actor_id_newest_first(officer):
    events = _events(officer, 5)
    found = audit_search(actor=officer.username)
    sql = str(found.query)
    assert '"actor_id" IN' in sql and "accounts_user" not in sql  # on the id: no join, no LIKE on names
    assert [e.pk for e in found] == [e.pk for e in reversed(events)]


def _page(client, query: dict):
    url = reverse("dashboards:admin")
    client.get(url, query)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    return response, len(captured.captured_queries)


def test_admin_dashboard_audit_by_actor_query_count_is_fixed_with_one_and_many_events(client, admin, officer):
    client.force_login(admin)
    _events(officer, 1)
    response, one = _page(client, {"actor": officer.username})
    assert one == BY_ACTOR_QUERIES and [e.actor_id for e in response.context["page"]] == [officer.pk]
    _events(officer, 60, start=timezone.now() - dt.timedelta(days=3))
    response, many = _page(client, {"actor": officer.username})
    assert many == BY_ACTOR_QUERIES
    page = response.context["page"]
    assert len(page.object_list) == 25 and page.paginator.count == 61 and not page.more_pages


def test_admin_dashboard_audit_count_stops_ten_pages_ahead(client, admin, officer):
    events = _events(officer, 280)  # more than 11 pages of 25
    client.force_login(admin)
    response, _n = _page(client, {"actor": officer.username})
    page = response.context["page"]
    assert page.more_pages and page.pages_counted == 11 and page.has_next()
    assert [e.pk for e in page.object_list] == [e.pk for e in reversed(events)][:25]
    assert "第 1 页，共超过 11 页" in response.content.decode()
    last = client.get(reverse("dashboards:admin"), {"actor": officer.username, "page": 12}).context["page"]
    assert not last.more_pages and last.paginator.num_pages == 12 and len(last.object_list) == 5
    assert [e.pk for e in last.object_list] == [e.pk for e in reversed(events)][275:]
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("dashboards:admin"), {"actor": officer.username})
    [count] = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert "LIMIT 276" in count  # never every event of the actor


def test_audit_actor_index_is_migrated_newest_first():
    constraints = connection.introspection.get_constraints(connection.cursor(), AuditEvent._meta.db_table)
    index = constraints["audit_actor_newest_idx"]
    assert index["index"] and index["columns"] == ["actor_id", "at", "id"]
    assert index["orders"] == ["ASC", "DESC", "DESC"]
