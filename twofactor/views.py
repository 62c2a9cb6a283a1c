from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from accounts.selectors import home_url_for
from accounts.throttling import locked_out

from . import services
from .forms import TokenForm
from .qr import qr_svg
from .selectors import HAS_DEVICE_SESSION_KEY, backup_codes_left, has_two_factor, two_factor_required

ENROL_KEY_SESSION_KEY = "twofactor_enrol_key"
NEW_CODES_SESSION_KEY = "twofactor_new_codes"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return home_url_for(request.user)


def _field_errors(form: forms.Form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@login_required
@require_http_methods(["GET"])
def overview(request):
    """From the user menu: whether two-factor sign-in is on, how many backup codes are left, turn it on or off."""
    return _overview(request)


def _overview(request, *, disable_form=None, renew_form=None, status=200):
    enabled = has_two_factor(request.user)
    return render(request, "twofactor/overview.html", {
        "enabled": enabled, "required": two_factor_required(request.user),
        "codes_left": backup_codes_left(request.user) if enabled else 0,
        "disable_form": disable_form or TokenForm(prefix="disable"),
        "renew_form": renew_form or TokenForm(prefix="renew"),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Scan the QR code (or type the key) into an authenticator app, then confirm with its first code."""
    if has_two_factor(request.user):
        messages.info(request, _("Two-factor sign-in is already on for your account."))
        return redirect("twofactor:overview")
    key_hex = request.session.get(ENROL_KEY_SESSION_KEY) or services.new_secret()
    request.session[ENROL_KEY_SESSION_KEY] = key_hex
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.two_factor_enrol(user=request.user, key_hex=key_hex, token=form.cleaned_data["token"])
        except ValidationError as error:
            _field_errors(form, error)
        else:
            del request.session[ENROL_KEY_SESSION_KEY]
            otp_login(request, enrolment.device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            request.session[NEW_CODES_SESSION_KEY] = enrolment.backup_codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("twofactor:backup_codes")
    device = services.TOTPDevice(user=request.user, key=key_hex)
    return render(request, "twofactor/enrol.html", {
        "form": form, "qr": qr_svg(device.config_url), "secret": services.base32_secret(key_hex),
        "required": two_factor_required(request.user),
    })


@login_required
@require_http_methods(["GET"])
def backup_codes(request):
    """The ten backup codes, shown once, right after enrolment."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once, when two-factor sign-in is turned on."))
        return redirect("twofactor:overview")
    return render(request, "twofactor/backup_codes.html", {"codes": codes, "next": home_url_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step after the password. Wrong codes count against the same limit as wrong passwords (django-axes:
    the user name from this address is locked out, and signed out); each device also waits longer after each."""
    if request.user.is_verified() or not has_two_factor(request.user):
        return redirect(_next_url(request))
    credentials = {"username": request.user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return _lock_out(request, credentials)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verification = services.two_factor_check(user=request.user, token=form.cleaned_data["token"])
        if verification.device is not None:
            otp_login(request, verification.device)
            axes_reset(ip=request.axes_ip_address, username=credentials["username"])
            return redirect(_next_url(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _lock_out(request, credentials)
        form.add_error("token", services.refusal(verification))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next_url(request)})


def _lock_out(request, credentials):
    logout(request)
    return locked_out(request, credentials=credentials)


def _not_on(request):
    messages.info(request, _("Two-factor sign-in is not on for your account."))
    return redirect("twofactor:overview")


@login_required
@require_POST
def disable(request):
    """Turning it off needs a valid code; staff who must use it are then asked to set it up again (a new phone)."""
    if not has_two_factor(request.user):
        return _not_on(request)
    form = TokenForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            _field_errors(form, error)
        else:
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            request.session[HAS_DEVICE_SESSION_KEY] = False
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("twofactor:overview")
    return _overview(request, disable_form=form, status=400)


@login_required
@require_POST
def backup_codes_renew(request):
    """Ten new backup codes for a valid code; the old ones stop working. Shown once, like the first ones."""
    if not has_two_factor(request.user):
        return _not_on(request)
    form = TokenForm(request.POST, prefix="renew")
    if form.is_valid():
        try:
            codes = services.backup_codes_renew(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            _field_errors(form, error)
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect("twofactor:backup_codes")
    return _overview(request, renew_form=form, status=400)
