import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, User
from audit.models import AuditEvent
from offices import services
from offices.models import Office, OfficeMembership, OfficeRole
from organisations.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(office: str, action: str):
    return AuditEvent.objects.filter(office=office, action=action)


def test_office_create_records_the_office_and_its_event(admin):
    office = services.office_create(actor=admin, code="gz-tianhe", name="广州市天河区市场监督管理局",
                                    region=Region.objects.get(pk="440106"), parent=Office.objects.get(pk="gz"))
    assert Office.objects.get(pk="gz-tianhe").parent_id == "gz"
    event = _events("gz-tianhe", "office_create").get()
    assert event.actor == admin and event.object_id == office.pk and event.data["parent"] == "gz"


def test_office_create_refuses_a_parent_whose_region_does_not_contain_the_child(admin):
    with pytest.raises(ValidationError) as exc:
        services.office_create(actor=admin, code="sz", name="深圳市市场监督管理局",
                               region=Region.objects.get(pk="440300"), parent=Office.objects.get(pk="gz"))
    assert "parent" in exc.value.message_dict
    assert not Office.objects.filter(pk="sz").exists() and not AuditEvent.objects.filter(office="sz").exists()


def test_office_create_refuses_a_code_taken(admin):
    with pytest.raises(ValidationError) as exc:
        services.office_create(actor=admin, code="gz", name="另一个", region=Region.objects.get(pk="440100"))
    assert "code" in exc.value.message_dict


def test_office_update_refuses_a_cycle(admin):
    with pytest.raises(ValidationError) as exc:
        services.office_update(actor=admin, office=Office.objects.get(pk="gd"),
                               parent=Office.objects.get(pk="gz-nansha"))
    assert "parent" in exc.value.message_dict
    assert Office.objects.get(pk="gd").parent_id is None


def test_office_update_records_what_changed(admin):
    services.office_update(actor=admin, office=Office.objects.get(pk="gz-nansha"), parent_reads=False)
    assert Office.objects.get(pk="gz-nansha").parent_reads is False
    assert _events("gz-nansha", "office_update").get().data == {"parent_reads": [True, False]}


def test_office_update_is_for_platform_admins_only(nansha_admin):
    with pytest.raises(PermissionDenied):
        services.office_update(actor=nansha_admin, office=Office.objects.get(pk="gz-nansha"), name="x")
    assert Office.objects.get(pk="gz-nansha").name != "x"


def test_staff_add_by_email_adds_an_officer(nansha_admin, nansha_officer):
    office = Office.objects.get(pk="gz-yuexiu")
    OfficeMembership.objects.create(office=office, user=nansha_admin, role=OfficeRole.ADMIN)
    membership = services.staff_add(actor=nansha_admin, office=office, account="NS@example.cn")
    assert membership.user == nansha_officer and membership.role == OfficeRole.OFFICER
    assert _events("gz-yuexiu", "office_staff_add").get().data == {"user": "nansha_officer"}


def test_staff_add_refuses_an_applicant_account(nansha_admin, applicant):
    office = Office.objects.get(pk="gz-nansha")
    with pytest.raises(ValidationError) as exc:
        services.staff_add(actor=nansha_admin, office=office, account=applicant.username)
    assert "account" in exc.value.message_dict
    assert not OfficeMembership.objects.filter(user=applicant).exists()


def test_staff_add_is_refused_to_the_admin_of_another_office(nansha_admin, nansha_officer):
    with pytest.raises(PermissionDenied):
        services.staff_add(actor=nansha_admin, office=Office.objects.get(pk="gz-yuexiu"),
                           account=nansha_officer.username)
    assert not OfficeMembership.objects.filter(office="gz-yuexiu", user=nansha_officer).exists()


def test_staff_invite_makes_an_officer_account_and_mails_the_link(nansha_admin, mailoutbox, inline_tasks,
                                                                  django_capture_on_commit_callbacks):
    office = Office.objects.get(pk="gz-nansha")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.staff_invite(actor=nansha_admin, office=office, username="ns_new",
                                           email="New@Example.cn", full_name="新人", role=OfficeRole.ADMIN)
    user = User.objects.get(username="ns_new")
    assert user.role == Role.OFFICER and not user.has_usable_password() and user.email == "new@example.cn"
    assert membership.role == OfficeRole.ADMIN and membership.office_id == "gz-nansha"
    assert _events("gz-nansha", "office_staff_invite").get().data == {"user": "ns_new"}
    assert len(mailoutbox) == 1 and "/offices/set-password/" in mailoutbox[0].body
    assert office.name in mailoutbox[0].subject


def test_staff_invite_refuses_a_taken_email(nansha_admin, nansha_officer):
    with pytest.raises(ValidationError) as exc:
        services.staff_invite(actor=nansha_admin, office=Office.objects.get(pk="gz-nansha"), username="another",
                              email="ns@example.cn", full_name="")
    assert "email" in exc.value.message_dict
    assert not User.objects.filter(username="another").exists()


def test_staff_remove_never_removes_the_last_admin(nansha_admin):
    membership = OfficeMembership.objects.get(user=nansha_admin)
    with pytest.raises(ValidationError):
        services.staff_remove(actor=nansha_admin, membership=membership)
    with pytest.raises(ValidationError):
        services.staff_set_role(actor=nansha_admin, membership=membership, role=OfficeRole.OFFICER)
    assert OfficeMembership.objects.get(pk=membership.pk).role == OfficeRole.ADMIN


def test_staff_set_role_then_remove(nansha_admin, nansha_officer):
    membership = OfficeMembership.objects.get(user=nansha_officer)
    services.staff_set_role(actor=nansha_admin, membership=membership, role=OfficeRole.ADMIN)
    services.staff_remove(actor=nansha_admin, membership=OfficeMembership.objects.get(user=nansha_admin))
    assert list(OfficeMembership.objects.filter(office="gz-nansha").values_list("user__username", "role")) == [
        ("nansha_officer", "admin")]
    assert list(_events("gz-nansha", "office_staff_role").values_list("from_state", "to_state")) == [
        ("officer", "admin")]
    assert _events("gz-nansha", "office_staff_remove").get().data == {"user": "nansha_admin"}


def test_staff_remove_by_a_plain_officer_is_refused(nansha_admin, nansha_officer):
    other = UserFactory(role=Role.OFFICER, offices=["gz-nansha"])
    with pytest.raises(PermissionDenied):
        services.staff_remove(actor=nansha_officer, membership=OfficeMembership.objects.get(user=other))
    assert OfficeMembership.objects.filter(user=other).exists()
