from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import user_set_language
from core.pagination import paginate

from . import services
from .forms import NotificationSettingsForm
from .selectors import inbox as inbox_rows
from .selectors import notification_for


@login_required
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    page, querystring = paginate(request, inbox_rows(request.user, unread_only=unread_only), per_page=20)
    rows = [(n, *services.render(n)) for n in page.object_list]
    return render(request, "notifications/inbox.html", {
        "page": page, "querystring": querystring, "rows": rows, "unread_only": unread_only,
    })


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark read and go to what it is about."""
    notification = services.notification_mark_read(actor=request.user, notification=notification_for(request.user, pk))
    return redirect(notification.link or "notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk: int):
    services.notification_mark_read(actor=request.user, notification=notification_for(request.user, pk))
    return _back(request, "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return _back(request, "notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_language(user=request.user, language=form.cleaned_data["language"])
            services.preferences_save(actor=request.user, email_off=form.email_off())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
