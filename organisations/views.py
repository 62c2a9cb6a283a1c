"""Organisation pages. Views read through selectors and write through services; whatever a user may not
see answers 404."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.pagination import paginate, paginate_filtered

from .filters import OrganisationFilter
from .forms import (
    BlacklistForm,
    MemberInviteForm,
    OrganisationForm,
    ProjectRecordForm,
    formset_changes,
    profile_formsets,
)
from .models import MembershipRole
from .selectors import (
    can_create_organisation,
    can_manage_members,
    invitation_for,
    invitation_for_invitee,
    invitations_for,
    membership_for,
    organisation_certifications,
    organisation_financial_years,
    organisation_for,
    organisation_invitations,
    organisation_members,
    organisation_patents,
    organisation_project_records,
    organisation_to_act_on,
    organisations_for,
    project_record_for,
)
from .services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_decline,
    membership_remove,
    membership_set_role,
    organisation_create,
    organisation_profile_save,
    organisation_set_blacklisted,
    project_record_create,
    project_record_update,
)

PAGE_SIZE = 20


def _add_service_error(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when the form has them."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


def _require_organisation_role(user) -> None:
    if not can_create_organisation(user):  # applicants and officers work with organisations
        raise Http404


def _require_officer(user) -> None:
    if not user.is_officer:
        raise Http404


@login_required
def organisation_list(request):
    _require_organisation_role(request.user)
    filterset = OrganisationFilter(request.GET or None, queryset=organisations_for(request.user))
    page, querystring = paginate_filtered(request, filterset.qs, PAGE_SIZE)
    invitation_count = invitations_for(request.user).count() if request.user.is_applicant else 0
    return render(
        request, "organisations/list.html",
        {"filter": filterset, "page": page, "querystring": querystring, "invitation_count": invitation_count},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create_view(request):
    _require_organisation_role(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation = organisation_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The organisation was registered. Now add its financial figures, patents and "
                      "certifications."),
                )
                return redirect("organisations:edit", pk=organisation.pk)
        messages.error(request, _("The organisation was not saved: correct the fields marked below."))
    return render(request, "organisations/create.html", {"form": form})


@login_required
def organisation_detail(request, pk: int):
    organisation = organisation_for(request.user, pk)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members": organisation_members(organisation),
            "financial_years": organisation_financial_years(organisation),
            "patents": organisation_patents(organisation),
            "certifications": organisation_certifications(organisation),
            "records": organisation_project_records(organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    organisation = organisation_to_act_on(request.user, pk)
    data = request.POST if request.method == "POST" else None
    # The form works on a copy so that rejected input never shows up as the organisation's name.
    form = OrganisationForm(data, instance=copy.copy(organisation))
    formsets = profile_formsets(data, instance=organisation)
    if request.method == "POST":
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            try:
                organisation_profile_save(
                    actor=request.user, organisation=organisation, fields=form.cleaned_data,
                    **{name: formset_changes(fs) for name, fs in formsets.items()},
                )
            except ValidationError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, _("The profile was saved."))
                return redirect("organisations:detail", pk=organisation.pk)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "organisations/edit.html",
        {"organisation": organisation, "form": form, **formsets},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members_view(request, pk: int):
    organisation = organisation_for(request.user, pk)
    manager = can_manage_members(request.user, organisation)
    form = MemberInviteForm(request.POST or None) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            username = form.cleaned_data["username"]
            invitation_create(actor=request.user, organisation=organisation, username=username)
            # One message whatever happened, so the form tells nobody which usernames exist or whose they are.
            messages.info(request, _("If “%(username)s” is an applicant who is not yet a member or invited, they "
                                     "have now been invited and will see the invitation on their own page.")
                          % {"username": username})
            return redirect("organisations:members", pk=organisation.pk)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation, "members": organisation_members(organisation), "form": form,
            "manager": manager, "invitations": organisation_invitations(organisation) if manager else [],
            "roles": MembershipRole,
        },
    )


def _membership_action(request, pk: int, membership_pk: int, action) -> None:
    organisation = organisation_for(request.user, pk)
    membership = membership_for(organisation, membership_pk)
    try:
        action(membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    return membership


@login_required
@require_POST
def organisation_member_remove(request, pk: int, membership_pk: int):
    membership = _membership_action(
        request, pk, membership_pk, lambda m: membership_remove(actor=request.user, membership=m)
    )
    if membership is not None:
        if membership.user_id == request.user.pk:
            messages.success(request, _("You no longer act for this organisation."))
            return redirect("organisations:list")
        messages.success(request, _("%(user)s was removed from the members.") % {"user": membership.user})
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def organisation_member_role(request, pk: int, membership_pk: int):
    role = request.POST.get("role", "")
    membership = _membership_action(
        request, pk, membership_pk, lambda m: membership_set_role(actor=request.user, membership=m, role=role)
    )
    if membership is not None:
        messages.success(request, _("%(user)s is now %(role)s.") % {
            "user": membership.user, "role": membership.get_role_display()})
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def organisation_invitation_cancel(request, pk: int, invitation_pk: int):
    organisation = organisation_for(request.user, pk)
    invitation = invitation_for(organisation, invitation_pk)
    try:
        invitation_cancel(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("organisations:members", pk=organisation.pk)


@login_required
def invitation_list(request):
    if not request.user.is_applicant:
        raise Http404
    page, querystring = paginate(request, invitations_for(request.user), PAGE_SIZE)
    return render(request, "organisations/invitations.html", {"page": page, "querystring": querystring})


@login_required
@require_POST
def invitation_answer(request, invitation_pk: int, answer: str):
    invitation = invitation_for_invitee(request.user, invitation_pk)
    try:
        if answer == "accept":
            invitation_accept(actor=request.user, invitation=invitation)
        else:
            invitation_decline(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("organisations:invitations")
    if answer == "accept":
        messages.success(request, _("You now act for %(name)s.") % {"name": invitation.organisation.name})
        return redirect("organisations:detail", pk=invitation.organisation_id)
    messages.success(request, _("You declined the invitation from %(name)s.") % {"name": invitation.organisation.name})
    return redirect("organisations:invitations")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_records(request, pk: int):
    _require_officer(request.user)
    organisation = organisation_to_act_on(request.user, pk)
    form = ProjectRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project_record_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The project record was added."))
            return redirect("organisations:records", pk=organisation.pk)
    return render(
        request,
        "organisations/records.html",
        {"organisation": organisation, "records": organisation_project_records(organisation), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_blacklist(request, pk: int):
    _require_officer(request.user)
    organisation = organisation_to_act_on(request.user, pk)
    form = BlacklistForm(request.POST or None, initial={"blacklisted": organisation.blacklisted})
    if request.method == "POST" and form.is_valid():
        try:
            organisation_set_blacklisted(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The credit blacklist entry was saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/blacklist.html", {"organisation": organisation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_record_edit(request, pk: int, record_pk: int):
    _require_officer(request.user)
    organisation = organisation_to_act_on(request.user, pk)
    record = project_record_for(organisation, record_pk)
    form = ProjectRecordForm(request.POST or None, instance=copy.copy(record))
    if request.method == "POST" and form.is_valid():
        try:
            project_record_update(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The project record was saved."))
            return redirect("organisations:records", pk=organisation.pk)
    return render(
        request,
        "organisations/record_edit.html",
        {"organisation": organisation, "record": record, "form": form},
    )
