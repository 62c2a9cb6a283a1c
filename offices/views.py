"""Office pages: the list of offices, an office's page (staff, expert pool, programs), and the forms that change
them. A platform admin reaches every office; an office's administrator its own; everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import OfficeForm, StaffAddForm, StaffInviteForm
from .hooks import office_panels
from .models import OfficeRole
from .selectors import (
    office_for_admin,
    office_programs,
    office_staff,
    offices_listed_for,
    sees_every_office,
    staff_membership,
)
from .services import office_create, office_update, staff_add, staff_invite, staff_remove, staff_set_role


def _add_service_error(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_staff(user) -> None:
    if not getattr(user, "is_officer", False):
        raise Http404


def _require_platform_admin(user) -> None:
    if not sees_every_office(user):
        raise Http404


@login_required
def office_list(request):
    """Every office for a platform admin; an officer's own offices, with the ones it administers linked."""
    _require_staff(request.user)
    return render(request, "offices/list.html", {
        "offices": offices_listed_for(request.user),
        "platform_admin": sees_every_office(request.user), "admin_role": OfficeRole.ADMIN,
    })


@login_required
@require_http_methods(["GET", "POST"])
def office_create_view(request):
    _require_platform_admin(request.user)
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            office = office_create(actor=request.user, code=form.cleaned_data["code"], **form.office_values())
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The office %(name)s was added.") % {"name": office.name})
            return redirect("offices:detail", code=office.code)
    return render(request, "offices/form.html", {"form": form, "office": None})


@login_required
@require_http_methods(["GET", "POST"])
def office_edit(request, code: str):
    _require_platform_admin(request.user)
    office = office_for_admin(request.user, code)
    form = OfficeForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            office_update(actor=request.user, office=office, **form.office_values())
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The office was saved."))
            return redirect("offices:detail", code=office.code)
    return render(request, "offices/form.html", {"form": form, "office": office})


@login_required
@require_http_methods(["GET", "POST"])
def office_detail(request, code: str):
    """The office's staff (add an existing officer, invite a new one, change roles, remove), its expert pool and
    its programs."""
    office = office_for_admin(request.user, code)
    add_form, invite_form = StaffAddForm(prefix="add"), StaffInviteForm(prefix="invite")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            invite_form = StaffInviteForm(request.POST, prefix="invite")
            form, call = invite_form, lambda data: staff_invite(actor=request.user, office=office, **data)
        else:
            add_form = StaffAddForm(request.POST, prefix="add")
            form, call = add_form, lambda data: staff_add(actor=request.user, office=office, **data)
        if form.is_valid():
            try:
                membership = call(form.cleaned_data)
            except ValidationError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, (_("%(user)s was invited: a link to set a password is on its way.")
                                           if action == "invite" else _("%(user)s was added to the staff."))
                                 % {"user": membership.user})
                return redirect("offices:detail", code=office.code)
    return render(request, "offices/detail.html", {
        "office": office, "staff": office_staff(office), "programs": office_programs(office),
        "add_form": add_form, "invite_form": invite_form, "roles": OfficeRole,
        "panels": office_panels(request, office), "platform_admin": sees_every_office(request.user),
    })


def _staff_action(request, code: str, pk: int, action):
    office = office_for_admin(request.user, code)
    membership = staff_membership(office, pk)
    try:
        action(membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    return membership


@login_required
@require_POST
def staff_role(request, code: str, pk: int):
    role = request.POST.get("role", "")
    membership = _staff_action(request, code, pk,
                               lambda m: staff_set_role(actor=request.user, membership=m, role=role))
    if membership is not None:
        messages.success(request, _("%(user)s is now %(role)s.") % {
            "user": membership.user, "role": membership.get_role_display()})
    return redirect("offices:detail", code=code)


@login_required
@require_POST
def staff_remove_view(request, code: str, pk: int):
    membership = _staff_action(request, code, pk, lambda m: staff_remove(actor=request.user, membership=m))
    if membership is not None:
        messages.success(request, _("%(user)s was taken off the staff.") % {"user": membership.user})
        if membership.user_id == request.user.pk and not sees_every_office(request.user):
            return redirect("offices:list")
    return redirect("offices:detail", code=code)
