"""Members: the creator owns the organisation, only owners (and officers) manage members, the last owner
stays, and colleagues join by an invitation they accept from their own page. The invite form says the same
whatever the username."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Invitation, InvitationState, Membership, MembershipRole
from organisations.services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_decline,
    membership_remove,
    membership_set_role,
    organisation_create,
)
from tests.conftest import client_for
from tests.factories import UserFactory

from .factories import OrganisationFactory
from .test_services import org_fields

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"organisations:{name}", args=args)


def actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


@pytest.fixture
def org(applicant, other_applicant):
    """applicant owns it; other_applicant is a plain member."""
    return OrganisationFactory(members=[applicant, other_applicant])


@pytest.fixture
def invitee(db):
    return UserFactory(username="invitee_i")


@pytest.fixture
def invitation(applicant, invitee):
    org = OrganisationFactory(members=[applicant])
    return invitation_create(actor=applicant, organisation=org, username="invitee_i")


# ---------------------------------------------------------------- services: roles


def test_organisation_create_makes_the_applicant_its_owner(applicant):
    org = organisation_create(actor=applicant, **org_fields())
    assert org.memberships.get().role == MembershipRole.OWNER


def test_membership_remove_by_owner(org, applicant, other_applicant):
    membership_remove(actor=applicant, membership=org.memberships.get(user=other_applicant))
    assert list(org.members.all()) == [applicant]
    event = AuditEvent.objects.get(action="membership_remove")
    assert (event.actor, event.from_state, event.data) == (applicant, "member", {"user": "applicant_b"})


def test_membership_remove_by_plain_member_is_refused(org, applicant, other_applicant):
    with pytest.raises(PermissionDenied):
        membership_remove(actor=other_applicant, membership=org.memberships.get(user=applicant))
    assert org.memberships.count() == 2 and not actions()


def test_membership_remove_a_member_may_leave(org, other_applicant):
    membership_remove(actor=other_applicant, membership=org.memberships.get(user=other_applicant))
    assert not org.memberships.filter(user=other_applicant).exists()


@pytest.mark.parametrize("actor", ["applicant", "officer"])
def test_membership_remove_the_last_owner_stays(request, org, applicant, actor):
    with pytest.raises(ValidationError):
        membership_remove(actor=request.getfixturevalue(actor), membership=org.memberships.get(user=applicant))
    assert org.memberships.get(user=applicant).role == MembershipRole.OWNER and not actions()


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_membership_remove_outsiders_are_refused_but_officers_may(request, org, other_applicant, officer, role):
    user = request.getfixturevalue(role)
    membership = org.memberships.get(user=other_applicant)
    if user.is_officer:
        membership_remove(actor=user, membership=membership)
        assert not org.memberships.filter(user=other_applicant).exists()
    else:
        with pytest.raises(PermissionDenied):
            membership_remove(actor=user, membership=membership)
        assert org.memberships.filter(user=other_applicant).exists()


def test_membership_set_role_owner_hands_over(org, applicant, other_applicant):
    membership_set_role(actor=applicant, membership=org.memberships.get(user=other_applicant),
                        role=MembershipRole.OWNER)
    membership_set_role(actor=other_applicant, membership=org.memberships.get(user=applicant),
                        role=MembershipRole.MEMBER)
    assert dict(org.memberships.values_list("user__username", "role")) == {
        "applicant_a": "member", "applicant_b": "owner"}
    assert [(e.from_state, e.to_state) for e in AuditEvent.objects.filter(action="membership_role")] == [
        ("member", "owner"), ("owner", "member")]


def test_membership_set_role_wrong_state_is_refused(org, applicant):
    with pytest.raises(ValidationError):  # already the owner
        membership_set_role(actor=applicant, membership=org.memberships.get(user=applicant),
                            role=MembershipRole.OWNER)
    with pytest.raises(ValidationError):  # the last owner
        membership_set_role(actor=applicant, membership=org.memberships.get(user=applicant),
                            role=MembershipRole.MEMBER)
    assert org.memberships.get(user=applicant).role == MembershipRole.OWNER and not actions()


def test_membership_set_role_wrong_role_is_refused(org, applicant, other_applicant):
    with pytest.raises(PermissionDenied):
        membership_set_role(actor=other_applicant, membership=org.memberships.get(user=other_applicant),
                            role=MembershipRole.OWNER)
    assert org.memberships.get(user=other_applicant).role == MembershipRole.MEMBER


# ---------------------------------------------------------------- services: invitations


def test_invitation_create_by_owner_records_an_event(invitation, applicant, invitee):
    assert (invitation.invitee, invitation.invited_by, invitation.state) == (invitee, applicant, "pending")
    event = AuditEvent.objects.get(action="invitation_create")
    assert event.to_state == "pending" and event.data["user"] == "invitee_i"
    assert not invitation.organisation.members.filter(pk=invitee.pk).exists()  # not before accepting


@pytest.mark.parametrize("username", ["nobody", "reviewer_r", "officer_o", "applicant_a", "invitee_i"])
def test_invitation_create_makes_nothing_for_the_wrong_username_and_says_nothing(
    applicant, reviewer, officer, invitation, username
):
    org = invitation.organisation
    AuditEvent.objects.all().delete()
    assert invitation_create(actor=applicant, organisation=org, username=username) is None
    assert Invitation.objects.count() == 1 and not actions()


def test_invitation_create_by_plain_member_is_refused(org, other_applicant, invitee):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=other_applicant, organisation=org, username="invitee_i")
    assert not Invitation.objects.exists()


def test_invitation_accept_makes_a_member(invitation, invitee):
    membership = invitation_accept(actor=invitee, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.decided_at is not None
    assert (membership.user, membership.role) == (invitee, MembershipRole.MEMBER)
    event = AuditEvent.objects.get(action="invitation_accept")
    assert (event.actor, event.from_state, event.to_state) == (invitee, "pending", "accepted")


def test_invitation_accept_first_member_of_an_officer_registered_organisation_owns_it(officer, invitee):
    org = organisation_create(actor=officer, **org_fields())
    invitation = invitation_create(actor=officer, organisation=org, username="invitee_i")
    assert invitation_accept(actor=invitee, invitation=invitation).role == MembershipRole.OWNER


@pytest.mark.parametrize("answer", [invitation_accept, invitation_decline])
def test_invitation_answer_wrong_state_is_refused(invitation, invitee, answer):
    invitation_decline(actor=invitee, invitation=invitation)
    with pytest.raises(ValidationError):
        answer(actor=invitee, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert not Membership.objects.filter(user=invitee).exists()


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "officer"])
@pytest.mark.parametrize("answer", [invitation_accept, invitation_decline])
def test_invitation_answer_wrong_user_is_refused(request, invitation, role, answer):
    with pytest.raises(PermissionDenied):
        answer(actor=request.getfixturevalue(role), invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_invitation_decline(invitation, invitee):
    invitation_decline(actor=invitee, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert not Membership.objects.filter(user=invitee).exists()
    assert AuditEvent.objects.get(action="invitation_decline").to_state == "declined"


def test_invitation_cancel_by_owner_then_wrong_state(invitation, applicant, invitee):
    invitation_cancel(actor=applicant, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CANCELLED
    with pytest.raises(ValidationError):
        invitation_accept(actor=invitee, invitation=invitation)
    with pytest.raises(ValidationError):
        invitation_cancel(actor=applicant, invitation=invitation)


def test_invitation_cancel_wrong_role_is_refused(invitation, invitee, other_applicant):
    for actor in (invitee, other_applicant):
        with pytest.raises(PermissionDenied):
            invitation_cancel(actor=actor, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_invitation_can_be_sent_again_after_a_decline(invitation, applicant, invitee):
    invitation_decline(actor=invitee, invitation=invitation)
    again = invitation_create(actor=applicant, organisation=invitation.organisation, username="invitee_i")
    assert again is not None and again.pk != invitation.pk


# ---------------------------------------------------------------- members page, per role


def test_members_page_anonymous_is_sent_to_sign_in(client, org):
    response = client.post(url("members", org.pk), {"username": "applicant_b"})
    assert response.status_code == 302 and "login" in response.url
    assert not Invitation.objects.exists()


def test_members_page_owner_invites_with_a_neutral_message(client, org, applicant, invitee, reviewer):
    client_for(client, applicant)
    page = client.get(url("members", org.pk))
    assert page.context["manager"] is True and "form" in page.context and page.context["form"] is not None
    texts = []
    for username in ["invitee_i", "nobody", "reviewer_r", "applicant_b", "invitee_i"]:
        response = client.post(url("members", org.pk), {"username": username}, follow=True)
        assert response.redirect_chain == [(url("members", org.pk), 302)]
        [message] = [str(m) for m in response.context["messages"]]
        texts.append(message.replace(username, "…"))
    assert len(set(texts)) == 1  # the same words whatever the username
    assert list(Invitation.objects.values_list("invitee__username", flat=True)) == ["invitee_i"]


def test_members_page_empty_username_names_the_field(client, org, applicant):
    response = client_for(client, applicant).post(url("members", org.pk), {"username": ""})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["username"]


def test_members_page_plain_member_sees_members_but_cannot_invite(client, org, other_applicant, invitee):
    client_for(client, other_applicant)
    page = client.get(url("members", org.pk))
    assert page.status_code == 200 and page.context["form"] is None
    assert url("member_role", org.pk, org.memberships.get(user=other_applicant).pk) not in page.content.decode()
    assert client.post(url("members", org.pk), {"username": "invitee_i"}).status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "invitee"])
def test_members_page_outsiders_get_404(request, client, org, role):
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("members", org.pk)).status_code == 404
    assert client.post(url("members", org.pk), {"username": "invitee_i"}).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_members_page_officer_and_admin_may_invite(request, client, org, invitee, role):
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("members", org.pk)).context["manager"] is True
    client.post(url("members", org.pk), {"username": "invitee_i"})
    assert Invitation.objects.get().invitee == invitee


def test_members_page_query_count_is_fixed(client, applicant, django_assert_num_queries):
    def queries(n: int) -> int:
        org = OrganisationFactory(members=[applicant, *(UserFactory() for _ in range(n))])
        for _ in range(n):
            invitation_create(actor=applicant, organisation=org, username=UserFactory().username)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("members", org.pk)).status_code == 200
        return len(ctx.captured_queries)

    client_for(client, applicant)
    assert queries(1) == queries(12)


# ---------------------------------------------------------------- remove and role pages


def test_member_remove_by_owner(client, org, applicant, other_applicant):
    membership = org.memberships.get(user=other_applicant)
    response = client_for(client, applicant).post(url("member_remove", org.pk, membership.pk))
    assert response.status_code == 302 and list(org.members.all()) == [applicant]


def test_member_remove_the_last_owner_says_why(client, org, applicant):
    response = client_for(client, applicant).post(url("member_remove", org.pk, org.memberships.get(user=applicant).pk),
                                                  follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert org.memberships.count() == 2


def test_member_remove_by_plain_member_is_forbidden(client, org, applicant, other_applicant):
    membership = org.memberships.get(user=applicant)
    response = client_for(client, other_applicant).post(url("member_remove", org.pk, membership.pk))
    assert response.status_code == 403 and org.memberships.count() == 2


def test_member_remove_plain_member_leaves(client, org, other_applicant):
    membership = org.memberships.get(user=other_applicant)
    response = client_for(client, other_applicant).post(url("member_remove", org.pk, membership.pk))
    assert response.status_code == 302 and response.url == url("list")
    assert not org.memberships.filter(user=other_applicant).exists()


@pytest.mark.parametrize("role", ["reviewer", "invitee"])
def test_member_remove_and_role_outsiders_get_404(request, client, org, other_applicant, role):
    membership = org.memberships.get(user=other_applicant)
    client_for(client, request.getfixturevalue(role))
    assert client.post(url("member_remove", org.pk, membership.pk)).status_code == 404
    assert client.post(url("member_role", org.pk, membership.pk), {"role": "owner"}).status_code == 404
    assert org.memberships.get(user=other_applicant).role == MembershipRole.MEMBER


def test_member_of_another_organisation_gets_404(client, applicant, other_applicant):
    mine = OrganisationFactory(members=[applicant])
    theirs = OrganisationFactory(members=[other_applicant])
    membership = theirs.memberships.get()
    client_for(client, applicant)
    assert client.post(url("member_remove", mine.pk, membership.pk)).status_code == 404
    assert client.post(url("member_role", mine.pk, membership.pk), {"role": "member"}).status_code == 404
    assert Membership.objects.filter(pk=membership.pk, role=MembershipRole.OWNER).exists()


@pytest.mark.parametrize("role", ["applicant", "officer", "admin"])
def test_member_role_owner_or_officer_makes_an_owner(request, client, org, other_applicant, role):
    membership = org.memberships.get(user=other_applicant)
    client_for(client, request.getfixturevalue(role)).post(url("member_role", org.pk, membership.pk),
                                                           {"role": "owner"})
    membership.refresh_from_db()
    assert membership.role == MembershipRole.OWNER


def test_member_role_by_plain_member_is_forbidden(client, org, other_applicant):
    membership = org.memberships.get(user=other_applicant)
    response = client_for(client, other_applicant).post(url("member_role", org.pk, membership.pk), {"role": "owner"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER


def test_member_role_unknown_value_says_so(client, org, applicant, other_applicant):
    membership = org.memberships.get(user=other_applicant)
    response = client_for(client, applicant).post(url("member_role", org.pk, membership.pk), {"role": "god"},
                                                  follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER


def test_invitation_cancel_page(client, invitation, applicant, other_applicant):
    org = invitation.organisation
    client_for(client, other_applicant)
    assert client.post(url("invitation_cancel", org.pk, invitation.pk)).status_code == 404  # not a member
    client_for(client, applicant)
    assert client.post(url("invitation_cancel", org.pk, invitation.pk)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CANCELLED


# ---------------------------------------------------------------- the invitee's page, per role


def test_invitations_page_anonymous_is_sent_to_sign_in(client, invitation):
    assert "login" in client.get(url("invitations")).url
    assert "login" in client.post(url("invitation_accept", invitation.pk)).url
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_invitations_page_invitee_accepts(client, invitation, invitee):
    client_for(client, invitee)
    page = client.get(url("invitations"))
    assert list(page.context["page"]) == [invitation]
    assert invitation.organisation.name in page.content.decode()
    listing = client.get(url("list"))
    assert listing.context["invitation_count"] == 1
    response = client.post(url("invitation_accept", invitation.pk))
    assert response.status_code == 302 and response.url == url("detail", invitation.organisation_id)
    assert invitation.organisation.members.filter(pk=invitee.pk).exists()
    assert list(client.get(url("invitations")).context["page"]) == []


def test_invitations_page_invitee_declines(client, invitation, invitee):
    client_for(client, invitee)
    response = client.post(url("invitation_decline", invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


def test_invitations_page_answering_twice_says_why(client, invitation, invitee):
    client_for(client, invitee)
    client.post(url("invitation_decline", invitation.pk))
    response = client.post(url("invitation_accept", invitation.pk), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert not invitation.organisation.members.filter(pk=invitee.pk).exists()


@pytest.mark.parametrize("role", ["applicant", "other_applicant"])
def test_invitations_page_someone_elses_invitation_gets_404(request, client, invitation, role):
    client_for(client, request.getfixturevalue(role))
    assert list(client.get(url("invitations")).context["page"]) == []
    assert client.post(url("invitation_accept", invitation.pk)).status_code == 404
    assert client.post(url("invitation_decline", invitation.pk)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


@pytest.mark.parametrize("role", ["reviewer", "officer", "admin"])
def test_invitations_page_non_applicants_get_404(request, client, invitation, role):
    client_for(client, request.getfixturevalue(role))
    assert client.get(url("invitations")).status_code == 404
    assert client.post(url("invitation_accept", invitation.pk)).status_code == 404


def test_invitations_page_query_count_is_fixed(client, invitee, django_assert_num_queries):
    def invite(n: int) -> None:
        for _ in range(n):
            owner = UserFactory()
            invitation_create(actor=owner, organisation=OrganisationFactory(members=[owner]), username="invitee_i")

    client_for(client, invitee)
    invite(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url("invitations"))
    invite(15)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url("invitations")).context["page"]) == 16
    assert len(one.captured_queries) == len(many.captured_queries)
