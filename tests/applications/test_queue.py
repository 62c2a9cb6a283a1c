"""The officers' formal-review queue: what it shows, in which order, how it searches, and at what cost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application, MaterialUpload, Status
from applications.selectors import officer_queue, queue_search
from programs.models import Track

from .conftest import make_org, valid_draft

pytestmark = pytest.mark.django_db


def copies(base: Application, n: int, *, organisation=None, track=None, start: int = 0) -> list[Application]:
    """n more submitted applications like ``base`` (written directly: the queue only reads rows)."""
    rows = [
        Application(
            reference=f"{base.reference}-C{start + i}", track=track or base.track,
            organisation=organisation or base.organisation, created_by=base.created_by, status=Status.SUBMITTED,
            title=f"副本项目{start + i}", requested_amount=Decimal(1000 * (i + 1)), version=1, verdict_overall="pass",
            submitted_at=base.submitted_at - dt.timedelta(minutes=start + i + 1),
        )
        for i in range(n)
    ]
    created = Application.objects.bulk_create(rows)
    material = base.track.materials.first()
    MaterialUpload.objects.bulk_create(
        MaterialUpload(application=a, material=material, file="materials/x.pdf", original_name="x.pdf", size=1,
                       content_type="application/pdf", sha256="0" * 64, uploaded_by=base.created_by)
        for a in created if a.track_id == base.track_id
    )
    return created


def queue_rows(client, query: str = "") -> list:
    response = client.get(reverse("applications:officer_queue") + query)
    assert response.status_code == 200
    return list(response.context["page"])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# What a queue page costs: session, user, the tracks (both dropdowns and every row's track), and the page's rows
# with their total; a search adds the matching organisations' ids.
QUEUE_QUERIES = 5  # session, user, tracks, rows, the header's unread notifications
SEARCH_QUERIES = QUEUE_QUERIES + 1


@pytest.mark.parametrize("query, expected", [
    ("", QUEUE_QUERIES), ("?q=副本", SEARCH_QUERIES), ("?q=91440115", SEARCH_QUERIES), ("?sort=-amount", QUEUE_QUERIES),
    ("?sort=organisation", QUEUE_QUERIES), ("?status=submitted", QUEUE_QUERIES),
])
def test_queue_query_count_same_for_one_and_many_rows(client, officer, submitted, django_assert_num_queries, query,
                                                      expected):
    client.force_login(officer)
    url = reverse("applications:officer_queue") + query
    Application.objects.filter(pk=submitted.pk).update(title="副本项目")  # one row for every query
    one = count_queries(client, url)
    assert client.get(url).context["page"].paginator.count == 1
    assert one == expected
    copies(submitted, 60)
    other = Track.objects.exclude(pk=submitted.track_id).first()
    copies(submitted, 20, track=other, start=100)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.context["page"].paginator.count > 25


def test_queue_deep_page_query_count_same_for_one_and_many_rows(client, officer, submitted,
                                                                django_assert_num_queries):
    client.force_login(officer)
    url = reverse("applications:officer_queue") + "?page=2"
    copies(submitted, 25)  # 26 rows: one on page 2
    one = count_queries(client, url)
    assert one == QUEUE_QUERIES
    assert len(client.get(url).context["page"]) == 1
    copies(submitted, 60, start=100)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.context["page"].number == 2 and len(response.context["page"]) == 25


def test_queue_page_past_the_end_shows_the_last_page_at_the_same_cost_for_one_and_many_rows(
    client, officer, submitted, django_assert_num_queries
):
    client.force_login(officer)
    queue = reverse("applications:officer_queue")
    past_one = count_queries(client, queue + "?page=9")
    page = client.get(queue + "?page=9").context["page"]
    assert page.number == 1 and [a.pk for a in page] == [submitted.pk]
    made = copies(submitted, 50)  # 51 rows: the last page is page 3, with the oldest row alone
    with django_assert_num_queries(past_one):
        page = client.get(queue + "?page=99").context["page"]
    assert page.number == 3 and [a.pk for a in page] == [made[-1].pk]
    assert [a.pk for a in client.get(queue + "?page=3").context["page"]] == [made[-1].pk]


def test_queue_track_filter_query_count_same_for_one_and_many_rows(client, officer, submitted,
                                                                    django_assert_num_queries):
    client.force_login(officer)
    url = reverse("applications:officer_queue") + f"?track={submitted.track_id}&program={submitted.track.program_id}"
    one = count_queries(client, url)
    assert one == QUEUE_QUERIES
    copies(submitted, 40)
    with django_assert_num_queries(one):
        page = client.get(url).context["page"]
    assert len(page) == 25 and {a.track_id for a in page} == {submitted.track_id}


def test_queue_excludes_never_submitted_drafts_withdrawn_included(client, officer, applicant, submitted, nansha):
    org = submitted.organisation
    still_draft = services.application_start(actor=applicant, track=nansha, organisation=org)
    withdrawn_draft = services.application_start(actor=applicant, track=nansha, organisation=org)
    # Drafts withdrawn before never-submitted drafts were deleted instead.
    Application.objects.filter(pk=withdrawn_draft.pk).update(status=Status.WITHDRAWN)
    client.force_login(officer)
    rows = queue_rows(client)
    assert [a.pk for a in rows] == [submitted.pk]
    for hidden in (still_draft, withdrawn_draft):
        assert client.get(reverse("applications:detail", args=[hidden.pk])).status_code == 404
    assert not queue_rows(client, "?status=withdrawn")


def test_queue_order_is_newest_submission_first_then_id(client, officer, submitted):
    made = copies(submitted, 30)
    Application.objects.filter(pk__in=[made[3].pk, made[4].pk]).update(submitted_at=made[3].submitted_at)
    client.force_login(officer)
    everyone = list(Application.objects.filter(submitted_at__isnull=False).values_list("submitted_at", "pk"))
    expected = [pk for _at, pk in sorted(everyone, key=lambda r: (r[0], r[1]), reverse=True)]
    assert [a.pk for a in queue_rows(client)] == expected[:25]
    assert [a.pk for a in queue_rows(client, "?page=2")] == expected[25:]
    assert [a.pk for a in queue_rows(client, "?sort=submitted")] == list(reversed(expected))[:25]


def test_queue_sort_by_requested_amount(client, officer, submitted):
    copies(submitted, 10)
    client.force_login(officer)
    amounts = [a.requested_amount for a in queue_rows(client, "?sort=-amount")]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 11


def test_queue_search_matches_reference_title_organisation_and_uscc(client, officer, other_applicant, submitted):
    other_org = make_org(other_applicant, name="防城港海洋装备有限公司")
    copies(submitted, 5)
    theirs = copies(submitted, 3, organisation=other_org, start=50)
    client.force_login(officer)
    everyone = list(Application.objects.filter(submitted_at__isnull=False).select_related("organisation"))

    def expected(term: str) -> set[int]:
        return {a.pk for a in everyone if term.lower() in a.reference.lower() or term in a.title
                or term in a.organisation.name or term.upper().replace(" ", "") in a.organisation.uscc}

    for term in ["海洋装备", other_org.uscc[-6:], other_org.uscc[-6:].lower(), "副本项目3", submitted.reference[-6:],
                 submitted.reference.lower()]:
        found = {a.pk for a in queue_rows(client, f"?q={term}")}
        assert found == expected(term), term
        assert found
    assert {a.pk for a in queue_rows(client, f"?q={other_org.uscc[-6:]}")} == {a.pk for a in theirs}
    assert set(queue_search(officer_queue(officer), "海洋装备").values_list("pk", flat=True)) == {a.pk for a in theirs}


def test_queue_shows_track_title_uscc_and_result_count(client, officer, submitted):
    copies(submitted, 2)
    client.force_login(officer)
    body = client.get(reverse("applications:officer_queue")).content.decode()
    assert submitted.track.title in body
    assert submitted.organisation.uscc in body
    assert 'id="result-count">共 3 份申报<' in body


def test_queue_track_filter_narrows_to_the_chosen_program(client, officer, submitted):
    other_program_track = Track.objects.exclude(program=submitted.track.program).first()
    copies(submitted, 2, track=other_program_track, start=10)
    client.force_login(officer)
    response = client.get(reverse("applications:officer_queue") + f"?program={submitted.track.program_id}")
    offered = {int(value) for value, _label in response.context["filter"].form.fields["track"].choices if value}
    assert offered == set(Track.objects.filter(program=submitted.track.program).values_list("pk", flat=True))
    assert other_program_track.pk not in offered
    assert [a.pk for a in response.context["page"]] == [submitted.pk]
    mixed = client.get(reverse("applications:officer_queue")
                       + f"?program={submitted.track.program_id}&track={other_program_track.pk}")
    assert "track" in mixed.context["filter"].form.errors


def test_queue_flags_a_second_application_by_the_same_organisation_to_the_same_track(client, officer, submitted):
    second, = copies(submitted, 1)
    elsewhere = Track.objects.exclude(pk=submitted.track_id).first()
    alone, = copies(submitted, 1, track=elsewhere, start=5)
    client.force_login(officer)
    flags = {a.pk: a.has_sibling for a in queue_rows(client)}
    assert flags == {submitted.pk: True, second.pk: True, alone.pk: False}
    assert client.get(reverse("applications:officer_queue")).content.decode().count('data-flag="second"') == 2
    Application.objects.filter(pk=second.pk).update(status=Status.WITHDRAWN)
    assert {a.pk: a.has_sibling for a in queue_rows(client)}[submitted.pk] is False


def test_returned_application_shows_officers_the_submitted_title_until_resubmission(
    client, officer, applicant, submitted, nansha, django_capture_on_commit_callbacks
):
    services.application_return(actor=officer, application=submitted, reason="请补充材料")
    changed = dict(valid_draft(nansha), title="申请人尚未提交的新标题", requested_amount="999999")
    services.application_save_draft(actor=applicant, application=submitted, data=changed)
    client.force_login(officer)
    row, = queue_rows(client)
    assert row.title == "南沙新能源电池高价值专利组合培育" and row.requested_amount == Decimal("300000.00")
    detail = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "南沙新能源电池高价值专利组合培育" in detail and "申请人尚未提交的新标题" not in detail
    from .conftest import valid_submission

    data = valid_submission(nansha)
    data.title = "申请人尚未提交的新标题"
    with django_capture_on_commit_callbacks(execute=False):
        services.application_resubmit(actor=applicant, application=Application.objects.get(pk=submitted.pk),
                                      data=data)
    row, = queue_rows(client)
    assert row.title == "申请人尚未提交的新标题"
