from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from applications.models import Status
from audit.models import AuditEvent
from audit.selectors import audit_search
from ipgrants.pagination import paginate
from notifications.selectors import inbox
from notifications.services import render as render_notification
from reviews.selectors import reviewer_queue

from . import selectors
from .forms import AuditSearchForm


def _recent_notifications(user, n: int = 5) -> list[tuple]:
    return [(item, *render_notification(item)) for item in inbox(user, unread_only=True)[:n]]


@login_required
def applicant(request):
    if not request.user.is_applicant:
        raise Http404
    page, querystring = paginate(request, selectors.applicant_applications(request.user), per_page=20)
    rows = [(application, selectors.next_action(application)) for application in page.object_list]
    return render(request, "dashboards/applicant.html", {
        "page": page, "querystring": querystring, "rows": rows,
        "notifications": _recent_notifications(request.user),
    })


REVIEWER_DASHBOARD_ROWS = 10


@login_required
def reviewer(request):
    if request.user.role != Role.REVIEWER:
        raise Http404
    assignments = list(reviewer_queue(request.user)[:REVIEWER_DASHBOARD_ROWS])
    return render(request, "dashboards/reviewer.html", {
        "notifications": _recent_notifications(request.user), "assignments": assignments,
    })


@login_required
def officer(request):
    if not request.user.is_officer:
        raise Http404
    funnel = selectors.funnel()
    labels = [str(Status(state).label) for state in selectors.FUNNEL_STATES]
    chart = {
        "programs": [str(row.program) for row in funnel],
        "series": [{"label": label, "state": state, "data": [row.cells[i] for row in funnel]}
                   for i, (state, label) in enumerate(zip(selectors.FUNNEL_STATES, labels, strict=True))],
        "title": _("Applications per program and state"),
    }
    return render(request, "dashboards/officer.html", {
        "queue": selectors.queue_counts(), "funnel": funnel, "funnel_labels": labels, "chart": chart,
        "notifications": _recent_notifications(request.user),
    })


@login_required
def admin(request):
    if not request.user.is_portal_admin:
        raise Http404
    form = AuditSearchForm(request.GET)
    events = audit_search(**form.search_arguments()) if form.is_valid() else AuditEvent.objects.none()
    page, querystring = paginate(request, events, per_page=25)
    return render(request, "dashboards/admin.html", {
        "guides": selectors.guides_loaded(), "roles": selectors.users_per_role(), "form": form,
        "page": page, "querystring": querystring,
    })
