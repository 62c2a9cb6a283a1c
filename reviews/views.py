from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirmation_page, is_confirmed
from core.forms import posted_ids
from core.pagination import paginate, paginate_ids
from core.storage import serve
from jobs import services as job_services
from jobs.selectors import latest_job
from jobs.status import job_box, pdf_box
from jobs.views import retry_and_return
from offices.acting import acts_in
from programs.forms import plan_formset
from programs.procedure import procedure_for
from programs.selectors import rubric_for

from . import decisions, services
from .confirmations import AWARD_CONFIRMATIONS, ROUND_CONFIRMATIONS
from .forms import (
    AmountForm,
    ObjectionForm,
    PublicityEndForm,
    ReasonForm,
    ScoreForm,
    posted_tie_order,
    reason_text,
)
from .jobs import ASSIGNMENT, RANKING_XLSX
from .models import (
    ASSIGNMENT_TRANSITIONS,
    AWARD_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ROUND_TRANSITIONS,
    ROUND_WORK,
    AssignmentState,
    Dossier,
)
from .offers import award_offers, objection_offers, plan_open, round_offers, takes_objections
from .panels import notice_box
from .selectors import (
    assignment_for_officer,
    assignment_for_reviewer,
    award_for_officer,
    award_notice_for,
    awards_of,
    awards_total,
    default_proposal,
    employer_check,
    objection_for_officer,
    objections_by,
    objections_of,
    other_reviews,
    overview_rows,
    publicity_list,
    publicity_round,
    ranking,
    ranking_details,
    review_for_officer,
    review_of,
    reviewer_queue,
    round_for_officer,
    tracks_in_review,
)
from .ties import ties_among


def _officer(request) -> None:
    if not (request.user.is_authenticated and request.user.is_officer):
        raise Http404


def _errors(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


def _round_or_404(request, track_id: int):
    review_round = round_for_officer(request.user, track_id)
    if review_round is None:
        raise Http404
    return review_round


def _acts(request, review_round) -> bool:
    """Whether the page offers the round's steps: the officer works for the program's office (an officer of the
    office above reads the round and takes no step)."""
    return acts_in(request.user, review_round.track.program.office_id)


# --- officer: overview (the expert pool: pool_views) --------------------------------------------------------------


@login_required
def overview(request):
    _officer(request)
    page, querystring = paginate_ids(request, tracks_in_review(request.user), overview_rows, per_page=25)
    return render(request, "reviews/overview.html", {"page": page, "querystring": querystring})


# --- officer: the round and its assignment -----------------------------------------------------------------------


RANKING_PAGE = 50


def _ids(request, name: str) -> list[int]:
    return posted_ids(request.POST.getlist(name))


def _chosen(request) -> dict:
    """The officer's choice from one page of the ranking: the boxes ticked among those shown on it (the default
    choice stands for the applications on other pages); without the page's list, ticked boxes or the default."""
    if "shown" in request.POST:
        return {"application_ids": _ids(request, "application"), "shown": _ids(request, "shown")}
    return {"application_ids": _ids(request, "application") or None}


@login_required
@require_POST
def round_step(request, track_id: int, step: str):
    review_round = _round_or_404(request, track_id)
    reason = ReasonForm(request.POST)
    reason.is_valid()
    actions = {
        "propose_assignment": lambda: job_services.job_request(actor=request.user, kind=ASSIGNMENT,
                                                               target=review_round),
        "start_review": lambda: services.round_start_review(actor=request.user, review_round=review_round),
        "confirm_shortfall": lambda: services.round_confirm_shortfall(
            actor=request.user, review_round=review_round, reason=reason_text(reason)),
        "propose": lambda: decisions.round_propose(actor=request.user, review_round=review_round, **_chosen(request)),
        "withdraw_proposal": lambda: decisions.round_withdraw_proposal(
            actor=request.user, review_round=review_round, reason=reason_text(reason)),
        "start_publicity": lambda: decisions.round_start_publicity(actor=request.user, review_round=review_round),
        "confirm_publicity_end": lambda: _confirm_publicity_end(request, review_round),
        "close": lambda: decisions.round_close(actor=request.user, review_round=review_round),
    }
    if step not in actions:
        raise Http404
    if step in ROUND_CONFIRMATIONS and not is_confirmed(request):
        return confirmation_page(request, question=ROUND_CONFIRMATIONS[step](review_round),
                                 back_url=reverse("reviews:decision", args=[track_id]))
    try:
        actions[step]()
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        if step == "propose_assignment":
            messages.info(request, _("The assignment is being worked out; this page shows its progress and "
                                     "then the proposal."))
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": ROUND_TRANSITIONS.get(step).label
                                                               if step in ROUND_TRANSITIONS else step})
    target = "reviews:round" if step in ("propose_assignment", "start_review", "confirm_shortfall") \
        else "reviews:decision"
    if step == "withdraw_proposal":
        target = "reviews:ranking"
    return redirect(target, track_id=track_id)


def _confirm_publicity_end(request, review_round) -> None:
    form = PublicityEndForm(request.POST)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    decisions.round_confirm_publicity_end(actor=request.user, review_round=review_round,
                                          ends_on=form.cleaned_data["ends_on"], reason=form.cleaned_data["reason"])


@login_required
@require_POST
def assignment_step(request, pk: int, step: str):
    assignment = assignment_for_officer(request.user, pk)
    if step not in ("confirm", "remove"):
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        if step == "confirm":
            services.assignment_confirm(actor=request.user, assignment=assignment)
        else:
            services.assignment_remove(actor=request.user, assignment=assignment,
                                       reason=reason_text(form))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": ASSIGNMENT_TRANSITIONS[step].label})
    return redirect("reviews:round", track_id=assignment.round.track_id)


@login_required
@require_POST
def review_reopen(request, pk: int):
    review = review_for_officer(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.review_reopen(actor=request.user, review=review, reason=reason_text(form))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The review was reopened; the reviewer may change it and submit again."))
    return redirect("reviews:ranking", track_id=review.assignment.round.track_id)


# --- officer: ranking and decision -------------------------------------------------------------------------------


@login_required
def ranking_page(request, track_id: int):
    review_round = _round_or_404(request, track_id)
    ranked = ranking(review_round)
    page, querystring = paginate(request, ranked.rows, per_page=RANKING_PAGE)
    page.object_list = ranking_details(review_round, ranked, list(page.object_list))
    track, acts = review_round.track, _acts(request, review_round)
    offers = round_offers(review_round, acts=acts)
    return render(request, "reviews/ranking.html", {
        "round": review_round, "track": track, "page": page, "rows": page.object_list, "querystring": querystring,
        "procedure": procedure_for(track),
        "default_ids": {r.application.pk for r in default_proposal(ranked, track)},
        "can_propose": "propose" in offers, "steps": ROUND_TRANSITIONS, "offers": offers,
        "reason_form": ReasonForm(), "ties": ties_among(page.object_list), "acts": acts,
        "can_order_ties": "order_tie" in offers,
        "export_box": job_box(latest_job(request.user, kind=RANKING_XLSX, target=review_round),
                              prefix="ranking-export", title=_("Ranking (Excel)")),
    })


@login_required
@require_POST
def tie_order(request, track_id: int):
    """The officer orders a tie the ranking shows (a tie-break the guide leaves to the officer), with a reason."""
    review_round = _round_or_404(request, track_id)
    reason = ReasonForm(request.POST)
    reason.is_valid()
    try:
        decisions.round_order_tie(actor=request.user, review_round=review_round,
                                  order=posted_tie_order(request.POST), reason=reason_text(reason))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": ROUND_TRANSITIONS["order_tie"].label})
    return redirect("reviews:ranking", track_id=track_id)


@login_required
@require_POST
def ranking_export(request, track_id: int):
    """Ask for the ranking in Excel: made in the background; the ranking page shows it and offers the download."""
    review_round = _round_or_404(request, track_id)
    job_services.job_request(actor=request.user, kind=RANKING_XLSX, target=review_round)
    messages.info(request, _("The Excel file is being made; it will be offered for download here."))
    return redirect("reviews:ranking", track_id=track_id)


@login_required
def decision(request, track_id: int):
    return _decision_page(request, _round_or_404(request, track_id))


def _decision_page(request, review_round, adjusting: AmountForm | None = None, plan=None):
    """The decision tab; ``adjusting`` is a refused amount form, shown in its row with what was typed."""
    awards = awards_of(review_round)
    acts = _acts(request, review_round)
    offers = round_offers(review_round, acts=acts)
    for award in awards:
        award.offers = award_offers(award, offers)
    objections = objections_of(review_round)
    for objection in objections:
        objection.offers = objection_offers(objection, acts=acts)
    return render(request, "reviews/decision.html", {
        "round": review_round, "track": review_round.track, "awards": awards, "offers": offers,
        "award_rows": [(a, notice_box(a), adjusting if adjusting is not None and adjusting.award.pk == a.pk
                        else AmountForm(award=a)) for a in awards],
        "objections": objections, "steps": ROUND_TRANSITIONS, "award_steps": AWARD_TRANSITIONS,
        "objection_steps": OBJECTION_TRANSITIONS, "reason_form": ReasonForm(), "acts": acts,
        "total": awards_total(awards),
        "end_form": _end_form(review_round),
        "plan_form": plan if plan is not None else plan_formset(track=review_round.track),
        "plan_missing": not review_round.track.tranches.exists(),
        "plan_open": plan_open(awards, acts=acts),
    })


def _end_form(review_round) -> PublicityEndForm | None:
    """The officer's confirmation of a provisional end, offering the end counted on today's calendar."""
    if review_round.state not in ROUND_TRANSITIONS["confirm_publicity_end"].sources \
            or not review_round.publicity_ends_provisional:
        return None
    return PublicityEndForm(initial={"ends_on": decisions.publicity_recount(review_round).day})


def _award_adjust(request, award) -> AmountForm | None:
    """Change an award's amount; a refusal is returned as the bound form, each problem naming the row and box."""
    form = AmountForm(request.POST, award=award)
    if form.is_valid():
        try:
            decisions.award_adjust(actor=request.user, award=award, amount=form.cleaned_data["amount"],
                                   reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for name, problems in (exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(name if name in form.fields else None, problems)
    if not form.errors:
        return None
    for problem in form.problems():
        messages.error(request, problem)
    return form


@login_required
@require_POST
def award_step(request, pk: int, step: str):
    award = award_for_officer(request.user, pk)
    if step not in AWARD_TRANSITIONS:
        raise Http404
    if step == "adjust":
        refused = _award_adjust(request, award)
        if refused is not None:
            return _decision_page(request, award.round, adjusting=refused)
        messages.success(request, _("Done: %(step)s.") % {"step": AWARD_TRANSITIONS[step].label})
        return redirect("reviews:decision", track_id=award.round.track_id)
    if step in AWARD_CONFIRMATIONS and not is_confirmed(request):
        return confirmation_page(request, question=AWARD_CONFIRMATIONS[step](award),
                                 back_url=reverse("reviews:decision", args=[award.round.track_id]))
    try:
        if step == "approve":
            decisions.award_approve(actor=request.user, award=award)
        else:
            form = ReasonForm(request.POST)
            form.is_valid()
            decisions.award_not_fund(actor=request.user, award=award, reason=reason_text(form))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": AWARD_TRANSITIONS[step].label})
    return redirect("reviews:decision", track_id=award.round.track_id)


@login_required
@require_POST
def objection_step(request, pk: int, step: str):
    objection = objection_for_officer(request.user, pk)
    if step not in OBJECTION_TRANSITIONS:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        decisions.objection_resolve(actor=request.user, objection=objection, step=step,
                                    resolution=reason_text(form))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The resolution was recorded."))
    return redirect("reviews:decision", track_id=objection.round.track_id)


@login_required
def notice_status(request, pk: int):
    return JsonResponse(notice_box(award_notice_for(request.user, pk)).as_json())


@login_required
@require_POST
def notice_retry(request, pk: int):
    award = award_notice_for(request.user, pk)
    back = (reverse("reviews:decision", args=[award.round.track_id]) if request.user.is_officer
            else reverse("applications:detail", args=[award.application_id]))
    return retry_and_return(request, lambda: decisions.award_retry_notice(actor=request.user, award=award),
                            done=_("The approval notice is being made again."), to=back)


@login_required
def notice_pdf(request, pk: int):
    """The approval notice: for officers and the applicant organisation's members."""
    award = award_notice_for(request.user, pk)
    if award.notice_status != Dossier.Status.READY or not award.notice_file:
        raise Http404
    return serve(award.notice_file, content_type="application/pdf",
                 filename=f"{award.application.reference}-立项通知书.pdf")


# --- reviewer ----------------------------------------------------------------------------------------------------


@login_required
def queue(request):
    if not request.user.is_reviewer:
        raise Http404
    page, querystring = paginate(request, reviewer_queue(request.user), per_page=25)
    return render(request, "reviews/queue.html", {"page": page, "querystring": querystring})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_page(request, pk: int):
    from .exports import dossier_context

    assignment = assignment_for_reviewer(request.user, pk)
    if assignment.state == AssignmentState.CONFIRMED:
        return render(request, "reviews/declare.html", {"assignment": assignment, "reason_form": ReasonForm(),
                                                        "steps": ASSIGNMENT_TRANSITIONS,
                                                        "employer_check": employer_check(assignment)})
    review = review_of(assignment)
    rubric = rubric_for(assignment.round.track)
    criteria = list(rubric.criteria.all()) if rubric else []
    initial = {"opinion": review.opinion, "recommendation": review.recommendation}
    for s in review.scores.all():
        initial[f"score_{s.criterion_id}"] = "" if s.score is None else f"{s.score.normalize():f}"
        initial[f"comment_{s.criterion_id}"] = s.comment
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        service = services.review_submit if submit else services.review_save
        try:
            service(actor=request.user, review=review, data=form.score_data())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_problems(exc.message_dict)
            else:
                form.add_error(None, exc.messages)
            messages.error(request, _("Not saved: see the problems marked below."))
        else:
            messages.success(request, _("Review submitted.") if submit else _("Draft saved."))
            return redirect("reviews:assignment", pk=pk)
    dossier = Dossier.objects.filter(application_id=assignment.application_id).first()
    return render(request, "reviews/assignment.html", {
        "assignment": assignment, "review": review, "form": form,
        "locked": review.state not in REVIEW_TRANSITIONS["submit"].sources
        or assignment.round.state not in ROUND_WORK["score"],
        "others": other_reviews(assignment), "criteria": criteria, "dossier": dossier,
        "dossier_box": _dossier_box(assignment, dossier),
        "application": dossier_context(assignment.application, blind=assignment.round.blind),
    })


@login_required
@require_POST
def declare(request, pk: int, step: str):
    assignment = assignment_for_reviewer(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        if step == "accept":
            services.assignment_accept(actor=request.user, assignment=assignment)
        elif step == "declare_conflict":
            services.assignment_declare_conflict(actor=request.user, assignment=assignment,
                                                 reason=reason_text(form))
            messages.info(request, _("Your conflict was recorded; the office will assign someone else."))
            return redirect("reviews:queue")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("reviews:assignment", pk=pk)


def _dossier_box(assignment, dossier):
    if dossier is None:
        return None
    return pdf_box(prefix="dossier", title=_("Application PDF"), status=dossier.status,
                   label=dossier.get_status_display(),
                   status_url=reverse("reviews:dossier_status", args=[assignment.pk]),
                   download_url=reverse("reviews:dossier_pdf", args=[assignment.pk]),
                   retry_url=reverse("reviews:dossier_retry", args=[assignment.pk]))


def _accepted_assignment(request, pk: int):
    assignment = assignment_for_reviewer(request.user, pk)
    if assignment.state != AssignmentState.ACCEPTED:
        raise Http404
    return assignment


@login_required
def dossier_status(request, pk: int):
    assignment = _accepted_assignment(request, pk)
    box = _dossier_box(assignment, Dossier.objects.filter(application_id=assignment.application_id).first())
    if box is None:
        raise Http404
    return JsonResponse(box.as_json())


@login_required
@require_POST
def dossier_retry(request, pk: int):
    assignment = _accepted_assignment(request, pk)
    return retry_and_return(request, lambda: services.dossier_retry(actor=request.user, assignment=assignment),
                            done=_("The application PDF is being made again."),
                            to=reverse("reviews:assignment", args=[pk]))


@login_required
def dossier_pdf(request, pk: int):
    assignment = assignment_for_reviewer(request.user, pk)
    if assignment.state != AssignmentState.ACCEPTED:
        raise Http404
    dossier = Dossier.objects.filter(application_id=assignment.application_id, status=Dossier.Status.READY).first()
    if dossier is None or not dossier.pdf_file:
        raise Http404
    return serve(dossier.pdf_file, content_type="application/pdf",
                 filename=f"{assignment.application.reference}.pdf")


# --- publicity (public) ------------------------------------------------------------------------------------------


def publicity_index(request):
    page, querystring = paginate(request, publicity_list(), per_page=25)
    return render(request, "reviews/publicity_list.html", {"page": page, "querystring": querystring})


@require_http_methods(["GET", "POST"])
def publicity(request, pk: int):
    review_round = publicity_round(pk)
    awards = awards_of(review_round)
    form = ObjectionForm(request.POST or None, awards=awards)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        if form.is_valid():
            award = next((a for a in awards if a.pk == form.cleaned_data["award"]), None)
            try:
                decisions.objection_lodge(actor=request.user, review_round=review_round, award=award,
                                          reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Your objection was received; the office will answer it."))
                return redirect("reviews:publicity", pk=pk)
    return render(request, "reviews/publicity.html", {
        "round": review_round, "track": review_round.track, "awards": awards, "form": form,
        "my_objections": objections_by(request.user, review_round),
        "open": takes_objections(review_round),
    })
