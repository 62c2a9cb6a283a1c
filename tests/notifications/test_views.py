import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationPreference

from .conftest import FORMAL, HELLO

pytestmark = pytest.mark.django_db


def _notes(user, n):
    return [services.notify(recipient=user, kind=HELLO.code, target=user, name=f"N{i}", day="2025-01-01")
            for i in range(n)]


@pytest.mark.parametrize("role", ["applicant", "reviewer", "officer", "admin"])
def test_inbox_lists_only_the_users_own_notifications(client, request, role, other_applicant):
    user = request.getfixturevalue(role)
    _notes(user, 2)
    _notes(other_applicant, 1)
    client.force_login(user)
    response = client.get(reverse("notifications:inbox"))
    assert [n.recipient_id for n, _t, _b in response.context["rows"]] == [user.pk, user.pk]
    body = response.content.decode()
    assert "Hello N1" in body and 'id="inbox-unread">2' in body


def test_inbox_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_inbox_query_count_is_constant(client, applicant, django_assert_num_queries):
    client.force_login(applicant)
    _notes(applicant, 1)
    # session, user, page count, page rows, the header's unread count
    with django_assert_num_queries(5):
        client.get(reverse("notifications:inbox"))
    _notes(applicant, 30)
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:inbox"))
    assert len(response.context["rows"]) == 20 and response.context["page"].paginator.count == 31


def test_header_unread_count_is_one_query_cached_per_request(rf, applicant, django_assert_num_queries):
    from notifications.context_processors import inbox

    _notes(applicant, 3)
    services.notification_mark_read(actor=applicant, notification=Notification.objects.first())
    request = rf.get("/")
    request.user = applicant
    with django_assert_num_queries(1):
        assert inbox(request)["inbox_unread"] == 2
        assert inbox(request)["inbox_unread"] == 2  # a second render in the same request reads the cache


def test_recent_unread_reads_the_list_and_the_header_count_in_one_query(rf, applicant, other_applicant,
                                                                        django_assert_num_queries):
    from notifications.context_processors import inbox
    from notifications.selectors import recent_unread

    notes = _notes(applicant, 7)
    _notes(other_applicant, 2)
    services.notification_mark_read(actor=applicant, notification=notes[0])
    request = rf.get("/")
    request.user = applicant
    with django_assert_num_queries(1):
        rows = recent_unread(request, 5)
        assert inbox(request)["inbox_unread"] == 6  # the header takes the count the list read
    assert [n.pk for n in rows] == [n.pk for n in reversed(notes[2:])]
    request = rf.get("/")
    request.user = other_applicant
    Notification.objects.filter(recipient=other_applicant).update(read_at=notes[0].read_at)
    with django_assert_num_queries(1):
        assert recent_unread(request, 5) == [] and inbox(request)["inbox_unread"] == 0


def test_header_unread_count_costs_nothing_when_unused(rf, applicant, django_assert_num_queries):
    from notifications.context_processors import inbox

    request = rf.get("/")
    request.user = applicant
    with django_assert_num_queries(0):
        inbox(request)


def test_open_marks_read_and_goes_to_the_link(client, applicant):
    note = _notes(applicant, 1)[0]
    Notification.objects.filter(pk=note.pk).update(link="/programs/")
    client.force_login(applicant)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/programs/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_open_someone_elses_notification_is_404(client, applicant, other_applicant):
    note = _notes(other_applicant, 1)[0]
    client.force_login(applicant)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_view(client, applicant, other_applicant):
    _notes(applicant, 3)
    theirs = _notes(other_applicant, 1)[0]
    client.force_login(applicant)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications:inbox")).context["inbox_unread"] == 0


def test_settings_page_saves_language_and_email_choices(client, applicant):
    client.force_login(applicant)
    form = client.get(reverse("notifications:settings")).context["form"]
    assert form.fields["email:" + FORMAL.code].disabled and not form.fields["email:" + HELLO.code].disabled
    data = {"language": "en"}
    for kind, name, may_opt_out in form.kinds:
        if may_opt_out and kind.code != HELLO.code:
            data[name] = "on"
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.language == "en"
    assert NotificationPreference.objects.get(user=applicant, kind=HELLO.code).email is False
    assert not NotificationPreference.objects.filter(user=applicant, kind=FORMAL.code).exists()


def test_settings_page_bad_language_names_the_field_and_changes_nothing(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("notifications:settings"), {"language": "fr"})
    assert response.status_code == 200 and "language" in response.context["form"].errors
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans" and not NotificationPreference.objects.exists()
