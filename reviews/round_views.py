"""The officer's round (assignment) page: the settings, the applications one page at a time with their
reviewers, the automatic assignment's progress, and assigning a reviewer by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Status
from core.forms import posted_id
from core.pagination import paginate_ids
from jobs.selectors import latest_job
from jobs.status import job_box
from offices.acting import acts_in
from programs.procedure import procedure_for

from . import services
from .forms import AddAssignmentForm, ReasonForm, RoundForm
from .jobs import ASSIGNMENT
from .models import ASSIGNMENT_TRANSITIONS, ROUND_TRANSITIONS
from .offers import assignment_offers, open_for_assignment, replaces_reviewers, round_offers
from .selectors import (
    assignable_reviewers,
    assignment_rows,
    reviewer_loads,
    round_application_list,
    round_application_rows,
    round_for_officer,
    round_summary,
    track_for_officer,
)
from .shortfall import BLOCKS_START, round_shortfall, shortfall_state
from .views import _errors, _round_or_404

ROUND_PAGE_SIZE = 25  # applications per page


@login_required
@require_http_methods(["GET", "POST"])
def round_page(request, track_id: int):
    track = track_for_officer(request.user, track_id)
    review_round = round_for_officer(request.user, track_id)
    procedure = procedure_for(track)
    initial = {"reviewers_per_application": procedure.reviewers_per_application, "blind": True}
    if review_round is not None:
        initial = {"reviewers_per_application": review_round.reviewers_per_application,
                   "deadline": review_round.deadline, "blind": review_round.blind,
                   "random_draw": review_round.random_draw}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if review_round is None:
                services.round_open(actor=request.user, track=track, **data)
            else:
                services.round_update(actor=request.user, review_round=review_round, **data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("reviews:round", track_id=track_id)
    acts = acts_in(request.user, track.program.office_id)
    offers = round_offers(review_round, acts=acts)
    context = {"track": track, "round": review_round, "form": form, "procedure": procedure,
               "reason_form": ReasonForm(), "steps": ROUND_TRANSITIONS, "assignment_steps": ASSIGNMENT_TRANSITIONS,
               "acts": acts, "offers": offers, "edits_settings": bool(offers & {"open_round", "change_settings"})}
    if review_round is not None:
        context.update(_round_context(request, review_round, offers))
    return render(request, "reviews/round.html", context)


def _round_context(request, review_round, offers: frozenset[str]) -> dict:
    """The round's applications one page at a time, the page's reviewers with their loads, what is said of the
    whole round, and the latest automatic assignment with its progress. A fixed number of queries."""
    page, querystring = paginate_ids(request, round_application_list(review_round), round_application_rows,
                                     per_page=ROUND_PAGE_SIZE)
    rows = assignment_rows(review_round, list(page.object_list))
    for row in rows:
        for assignment in row.assignments:
            assignment.offers = assignment_offers(assignment, offers)
    on_page = {a.reviewer_id for r in rows for a in r.assignments}
    summary = round_summary(review_round)
    # The shortfall is what starting the review asks about.
    starts = review_round.state in ROUND_TRANSITIONS["start_review"].sources
    shortfall = round_shortfall(review_round) if starts else None
    state = shortfall_state(review_round, shortfall) if shortfall else "none"
    job = latest_job(request.user, kind=ASSIGNMENT, target=review_round)
    return {
        "page": page, "querystring": querystring, "rows": rows,
        "open_for_assignment": open_for_assignment(review_round), "replaces": replaces_reviewers(review_round),
        "loads": [r for r in reviewer_loads(review_round, on_page) if r.load] if on_page else [],
        "add_form": AddAssignmentForm(applications=[r.application for r in rows
                                                    if r.application.status == Status.PASSED],
                                      reviewers=assignable_reviewers(review_round.track.program.office_id)),
        "proposed": summary.proposed, "conflicts": summary.open_conflicts,
        "shortfall": shortfall, "shortfall_state": state,
        "start_blocked": state in BLOCKS_START,
        "assignment_job": job, "assignment_box": job_box(job, prefix="assignment-job",
                                                         title=_("Automatic assignment"), reload=True,
                                                         icon="bi-diagram-3"),
    }


@login_required
@require_POST
def assignment_add(request, track_id: int):
    review_round = _round_or_404(request, track_id)
    posted = [posted_id(request.POST.get(name)) for name in ("application", "reviewer")]
    applications = list(round_application_rows(round_application_list(review_round).filter(pk=posted[0])
                                               .values("pk")))
    reviewers = list(assignable_reviewers(review_round.track.program.office_id).filter(pk=posted[1]))
    form = AddAssignmentForm(request.POST, applications=applications, reviewers=reviewers)
    if form.is_valid():
        try:
            services.assignment_add(actor=request.user, review_round=review_round, application=applications[0],
                                    reviewer=reviewers[0])
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Reviewer assigned."))
    else:
        messages.error(request, _("Choose an application and a reviewer."))
    return redirect("reviews:round", track_id=track_id)
