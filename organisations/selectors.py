"""Reads of organisations. Visibility lives here: a user sees only the organisations they belong to; officers
see those that applied in the programs of their offices (``hooks.staff_scope``), platform administrators all.
Lists run a fixed number of queries whatever their size."""

from collections import defaultdict

from django.db.models import BooleanField, ExpressionWrapper, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from .hooks import staff_scope
from .models import (
    Certification,
    FinancialYear,
    Invitation,
    InvitationState,
    Membership,
    MembershipRole,
    Organisation,
    Patent,
    ProjectRecord,
    Region,
)

# Enough parents for Region.full_name (district → city → province) without further queries.
REGION_PATH = ("region", "region__parent", "region__parent__parent")


def _is_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_officer", False))


def organisations_for(user) -> QuerySet[Organisation]:
    """Every organisation the user may see, with its region path loaded: members their own; officers those with an
    application in a program of an office they work for or read."""
    queryset = Organisation.objects.select_related(*REGION_PATH).order_by("name", "pk")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if _is_officer(user):
        return queryset.filter(staff_scope(user))
    return queryset.filter(memberships__user=user)


def organisation_for(user, pk) -> Organisation:
    """One organisation the user may see; 404 whether it does not exist or is not theirs. For an officer it carries
    ``officer_acts`` (read in the same query): whether the officer takes steps on it."""
    queryset = organisations_for(user)
    if _is_officer(user):
        scope = staff_scope(user, act=True)
        queryset = queryset.annotate(officer_acts=ExpressionWrapper(scope, output_field=BooleanField()) if scope
                                     else Value(True, output_field=BooleanField()))
    return get_object_or_404(queryset, pk=pk)


def organisation_to_act_on(user, pk) -> Organisation:
    """One organisation for a step (its profile, members, credit entry, project records): its members' own, and for
    officers one that applied in a program of an office they work for; 404 otherwise (an officer of the office
    above reads the organisation but takes no step on it)."""
    if _is_officer(user):
        return get_object_or_404(organisations_for(user).filter(staff_scope(user, act=True))
                                 .annotate(officer_acts=Value(True, output_field=BooleanField())), pk=pk)
    return organisation_for(user, pk)


def officer_acts_on(user, organisation: Organisation) -> bool:
    """Whether an officer takes steps on this organisation (read with it by ``organisation_for``; else one query,
    none for a platform administrator)."""
    if not _is_officer(user):
        return False
    known = getattr(organisation, "officer_acts", None)
    if known is not None:
        return bool(known)
    scope = staff_scope(user, act=True)
    return not scope or Organisation.objects.filter(scope, pk=organisation.pk).exists()


def is_member(user, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Members, and officers who take steps on it, may change an organisation's profile and its members."""
    return officer_acts_on(user, organisation) if _is_officer(user) else is_member(user, organisation)


def is_owner(user, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation=organisation, user=user, role=MembershipRole.OWNER).exists()


def can_manage_members(user, organisation: Organisation) -> bool:
    """Owners manage an organisation's members; officers who take steps on it may too."""
    return officer_acts_on(user, organisation) if _is_officer(user) else is_owner(user, organisation)


def can_create_organisation(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_applicant or user.is_officer))


def region_choices() -> QuerySet[Region]:
    """Regions for a select, ordered by code so each province is followed by its cities and districts."""
    return Region.objects.select_related("parent", "parent__parent").order_by("code")


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("created_at", "pk")


def active_members(organisation_ids) -> dict[int, list]:
    """The active applicant members of each organisation (who hear of its applications and projects), in the
    order they joined the portal; one query whatever the number of organisations."""
    members = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation_id__in=set(organisation_ids), user__is_active=True, user__role="applicant"
    ).select_related("user").order_by("user_id"):
        members[membership.organisation_id].append(membership.user)
    return members


def organisation_financial_years(organisation: Organisation) -> QuerySet[FinancialYear]:
    return organisation.financial_years.order_by("-year")


def organisation_patents(organisation: Organisation) -> QuerySet[Patent]:
    return organisation.patents.order_by("-granted_on", "number")


def organisation_certifications(organisation: Organisation) -> QuerySet[Certification]:
    return organisation.certifications.order_by("-valid_until", "pk")


def organisation_project_records(organisation: Organisation) -> QuerySet[ProjectRecord]:
    return organisation.project_records.select_related("recorded_by").order_by("-awarded_on", "pk")


def project_record_for(organisation: Organisation, pk) -> ProjectRecord:
    return get_object_or_404(organisation.project_records, pk=pk)


def membership_for(organisation: Organisation, pk) -> Membership:
    return get_object_or_404(organisation.memberships.select_related("user"), pk=pk)


def organisation_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations still waiting for an answer, for the members page."""
    return organisation.invitations.filter(state=InvitationState.PENDING).select_related("invitee", "invited_by")


def invitations_for(user) -> QuerySet[Invitation]:
    """The invitations waiting for this user's answer, with their organisations."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(invitee=user, state=InvitationState.PENDING)
        .select_related("invited_by", *(f"organisation__{path}" for path in REGION_PATH))
        .order_by("-created_at", "-pk")
    )


def invitation_for_invitee(user, pk) -> Invitation:
    """One invitation addressed to this user; 404 for anyone else's."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(Invitation.objects.select_related("organisation"), invitee=user, pk=pk)


def invitation_for(organisation: Organisation, pk) -> Invitation:
    return get_object_or_404(organisation.invitations.select_related("invitee"), pk=pk)
