from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from applications.models import Status
from audit.models import AuditEvent
from audit.selectors import audit_page_rows, audit_search
from core.pagination import first_rows, paginate_ids
from milestones import selectors as projects
from milestones import unit_rows
from notifications.selectors import recent_unread
from notifications.services import render as render_notification
from offices.selectors import office_for_admin
from programs.workdays import calendar_coverage
from reviews.selectors import reviewer_queue

from . import selectors
from .forms import AuditSearchForm

DASHBOARD_ROWS = 10  # the rows each list shows; its "see all" link opens the full list
AUDIT_PAGES_AHEAD = 10


def _recent_notifications(request, n: int = 5) -> list[tuple]:
    return [(item, *render_notification(item)) for item in recent_unread(request, n)]


@login_required
def applicant(request):
    if not request.user.is_applicant:
        raise Http404
    page, querystring = selectors.applicant_application_page(request)
    rows = [(application, selectors.next_action(application)) for application in page.object_list]
    mine, project_count = unit_rows.first_projects(request.user, DASHBOARD_ROWS)
    return render(request, "dashboards/applicant.html", {
        "page": page, "querystring": querystring, "rows": rows,
        "projects": unit_rows.unit_project_rows(mine), "project_count": project_count,
        "notifications": _recent_notifications(request),
    })


@login_required
def reviewer(request):
    if request.user.role != Role.REVIEWER:
        raise Http404
    assignments = [(a, selectors.assignment_step(a)) for a in reviewer_queue(request.user)[:DASHBOARD_ROWS]]
    conflicts, conflict_count = selectors.reviewer_conflicts(request.user)
    return render(request, "dashboards/reviewer.html", {
        "notifications": _recent_notifications(request), "assignments": assignments,
        "progress": selectors.reviewer_progress(request.user), "conflicts": conflicts,
        "conflict_count": conflict_count,
    })


@login_required
def officer(request):
    if not request.user.is_officer:
        raise Http404
    funnel = selectors.funnel(request.user)
    labels = [str(Status(state).label) for state in selectors.FUNNEL_STATES]
    chart = {
        "programs": [str(row.program) for row in funnel],
        "series": [{"label": label, "state": state, "data": [row.cells[i] for row in funnel]}
                   for i, (state, label) in enumerate(zip(selectors.FUNNEL_STATES, labels, strict=True))],
        "title": _("Applications per program and state"),
    }
    # Every figure and list is of the programs of the officer's offices (those it works for, and those below that
    # let it read); the selectors scope them, each in its own query.
    tranches, tranche_count = first_rows(projects.tranches_due(request.user), DASHBOARD_ROWS)
    reports, report_count = first_rows(projects.reports_waiting(request.user), DASHBOARD_ROWS)
    programs = projects.programs_with_projects(request.user)
    funded, funded_total = selectors.disbursement(programs)
    completion = projects.completion_by_program(request.user)
    return render(request, "dashboards/officer.html", {
        "queue": selectors.queue_counts(request.user), "rounds": selectors.round_counts(request.user),
        "project_states": selectors.project_counts(request.user), "funnel": funnel, "funnel_labels": labels,
        "chart": chart,
        "notifications": _recent_notifications(request),
        "tranches": tranches, "tranche_count": tranche_count, "reports": reports, "report_count": report_count,
        "funded": funded, "funded_total": funded_total,
        "disbursement_chart": projects.programs_disbursement_chart(programs), "completion": completion,
        "completion_chart": selectors.completion_chart(completion),
    })


@login_required
def office_audit(request, code: str):
    """An office's audit log: the events on its programs, projects, experts and staff, for its administrators and
    the platform admins (404 for everyone else)."""
    office = office_for_admin(request.user, code)
    form = AuditSearchForm(request.GET, office=office)
    events = audit_search(**form.search_arguments()) if form.is_valid() else AuditEvent.objects.none()
    page, querystring = paginate_ids(request, events, audit_page_rows, per_page=25, count_ahead=AUDIT_PAGES_AHEAD)
    return render(request, "dashboards/office_audit.html", {
        "office": office, "form": form, "page": page, "querystring": querystring,
        "events": selectors.audit_rows(page.object_list),
    })


@login_required
def admin(request):
    if not request.user.is_portal_admin:
        raise Http404
    form = AuditSearchForm(request.GET)
    events = audit_search(**form.search_arguments()) if form.is_valid() else AuditEvent.objects.none()
    # The count stops ten pages ahead: a busy officer's tens of thousands of events are never all counted.
    page, querystring = paginate_ids(request, events, audit_page_rows, per_page=25, count_ahead=AUDIT_PAGES_AHEAD)
    return render(request, "dashboards/admin.html", {
        "guides": selectors.guides_loaded(), "roles": selectors.users_per_role(), "form": form,
        "page": page, "querystring": querystring, "events": selectors.audit_rows(page.object_list),
        "coverage": calendar_coverage(timezone.localdate()),
    })
