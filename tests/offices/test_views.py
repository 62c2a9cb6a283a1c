import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from offices.models import Office, OfficeMembership, OfficeRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_office_list_shows_every_office_to_the_platform_admin(client, admin):
    client.force_login(admin)
    page = client.get(reverse("offices:list")).content.decode()
    for code in Office.objects.values_list("code", flat=True):
        assert f'data-office="{code}"' in page
    assert reverse("offices:create") in page


def test_office_list_shows_an_officer_its_own_offices(client, nansha_admin):
    client.force_login(nansha_admin)
    page = client.get(reverse("offices:list")).content.decode()
    assert 'data-office="gz-nansha"' in page and 'data-office="gz-yuexiu"' not in page
    assert reverse("offices:detail", args=["gz-nansha"]) in page and reverse("offices:create") not in page


def test_office_detail_is_404_for_the_admin_of_another_office(client, nansha_admin):
    client.force_login(nansha_admin)
    assert client.get(reverse("offices:detail", args=["gz-yuexiu"])).status_code == 404
    assert client.get(reverse("offices:edit", args=["gz-nansha"])).status_code == 404
    assert client.get(reverse("dashboards:office_audit", args=["gz-yuexiu"])).status_code == 404


def test_office_detail_lists_staff_programs_and_the_pool(client, nansha_admin, nansha_officer):
    from reviews.models import ReviewerProfile

    for name, office in (("张南沙", "gz-nansha"), ("李越秀", "gz-yuexiu"), ("王通用", None)):
        ReviewerProfile.objects.create(user=UserFactory(role=Role.REVIEWER), name=name, office_id=office)
    client.force_login(nansha_admin)
    page = client.get(reverse("offices:detail", args=["gz-nansha"])).content.decode()
    assert 'data-user="nansha_officer"' in page and 'data-user="nansha_admin"' in page
    assert 'data-program="nansha-2024-high-value-patent-center"' in page
    assert 'data-program="yuexiu-2018-ip-operation-fund-plan"' not in page
    assert 'id="office-experts"' in page and reverse("reviews:pool") in page
    assert "张南沙" in page and "李越秀" not in page and "王通用" not in page


def test_office_detail_adds_an_officer_and_shows_a_bad_account_on_its_field(client, nansha_admin):
    other = UserFactory(role=Role.OFFICER, username="yx_officer", offices=["gz-yuexiu"])
    client.force_login(nansha_admin)
    url = reverse("offices:detail", args=["gz-nansha"])
    response = client.post(url, {"action": "add", "add-account": "nobody", "add-role": "officer"})
    assert response.status_code == 200 and "nobody" in response.content.decode()
    assert not OfficeMembership.objects.filter(office="gz-nansha", user=other).exists()
    response = client.post(url, {"action": "add", "add-account": "yx_officer", "add-role": "officer"})
    assert response.status_code == 302
    assert OfficeMembership.objects.get(office="gz-nansha", user=other).role == OfficeRole.OFFICER


def test_office_detail_shows_the_zh_message_for_the_last_admin(client, nansha_admin):
    client.force_login(nansha_admin)
    membership = OfficeMembership.objects.get(user=nansha_admin)
    response = client.post(reverse("offices:staff_remove", args=["gz-nansha", membership.pk]), follow=True)
    assert "唯一" in response.content.decode()
    assert OfficeMembership.objects.filter(pk=membership.pk).exists()


def test_office_create_view_shows_the_region_error_on_the_parent(client, admin):
    client.force_login(admin)
    response = client.post(reverse("offices:create"), {"code": "sz", "name": "深圳", "region": "440300",
                                                       "parent": "gz", "parent_reads": "on"})
    assert response.status_code == 200 and not Office.objects.filter(pk="sz").exists()
    assert "广州市" in response.content.decode()


def test_office_audit_lists_the_office_events_only(client, admin, nansha_admin, nansha_officer):
    from offices.services import staff_set_role

    staff_set_role(actor=admin, membership=OfficeMembership.objects.get(user=nansha_officer), role="admin")
    yuexiu = OfficeMembership.objects.create(office_id="gz-yuexiu", user=UserFactory(role=Role.OFFICER, offices=[]))
    staff_set_role(actor=admin, membership=yuexiu, role="admin")
    client.force_login(nansha_admin)
    page = client.get(reverse("dashboards:office_audit", args=["gz-nansha"])).content.decode()
    ns = AuditEvent.objects.get(office="gz-nansha", action="office_staff_role")
    yx = AuditEvent.objects.get(office="gz-yuexiu", action="office_staff_role")
    assert f'data-event="{ns.pk}"' in page and f'data-event="{yx.pk}"' not in page


def test_office_audit_constant_queries(client, admin, nansha_admin, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.services import staff_add

    client.force_login(nansha_admin)
    url = reverse("dashboards:office_audit", args=["gz-nansha"])
    UserFactory(role=Role.OFFICER, username="a1", offices=[])
    staff_add(actor=admin, office=Office.objects.get(pk="gz-nansha"), account="a1")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 6):
        UserFactory(role=Role.OFFICER, username=f"a{n}", offices=[])
        staff_add(actor=admin, office=Office.objects.get(pk="gz-nansha"), account=f"a{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


def test_office_pages_constant_queries(client, admin, nansha_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    urls = [reverse("offices:list"), reverse("offices:detail", args=["gz-nansha"])]
    with CaptureQueriesContext(connection) as one:
        for url in urls:
            client.get(url)
    for _n in range(4):
        OfficeMembership.objects.create(office_id="gz-nansha", user=UserFactory(role=Role.OFFICER, offices=[]))
    with CaptureQueriesContext(connection) as many:
        for url in urls:
            client.get(url)
    assert len(one) == len(many)
