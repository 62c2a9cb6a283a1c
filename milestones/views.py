"""Project pages for officers and funded units, the fund ledger and the fund plan. Views parse input, call one
service or selector and render; what a user may not see is a 404."""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.storage import serve
from jobs import services as job_services
from jobs.selectors import latest_job
from jobs.status import job_box, pdf_box
from jobs.views import retry_and_return

from . import midterm, payments, pdfs, services
from .conditions import midterm_required_by
from .confirmations import confirm_acceptance_record, confirm_tranche_release
from .filters import ProjectFilter
from .forms import (
    AcceptanceRecordForm,
    AcceptanceRequestForm,
    CancelRequestForm,
    ContractForm,
    MidtermForm,
    MidtermRequirementForm,
    ReleaseForm,
    ReportAddForm,
    ReportForm,
    ReportReviewForm,
)
from .jobs import FUND_PLAN_XLSX, LEDGER_XLSX
from .models import Actor, ReportKind, ReportState
from .report_selectors import allowed_report_steps, completion_chart, report_figures, report_for
from .selectors import (
    ACCEPTANCE_FILES,
    disbursement_chart,
    final_report_pending,
    ledger_page,
    ledger_totals,
    program_completion_page,
    program_for_officer,
    programs_disbursement_chart,
    programs_with_projects,
    project_figures,
    project_for,
    project_list_page,
    projects_for,
    submitted_files,
)
from .selectors import (
    fund_plan as plan_rows,
)


def _errors(request, exc: Exception) -> None:
    messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@login_required
def project_list(request):
    filterset = ProjectFilter(request.GET or None, queryset=projects_for(request.user))
    page, querystring = project_list_page(request, filterset.qs)
    programs = programs_with_projects(request.user) if request.user.is_officer else []
    chart = programs_disbursement_chart(programs)
    return render(request, "milestones/project_list.html", {"page": page, "querystring": querystring,
                                                            "programs": programs, "chart": chart,
                                                            "filter": filterset})


def _with_steps(project, tranche, user):
    tranche.steps = payments.tranche_steps(project, tranche, user)
    return tranche


@login_required
def project_page(request, pk: int):
    project = project_for(request.user, pk)
    steps = {t.name for t in services.allowed_project_steps(project, request.user)}
    reports = list(project.reports.all())
    return render(request, "milestones/project.html", {
        "project": project, "steps": steps,
        # The officer's panels (the payment rule, more reports): only for an officer who works for the office.
        "is_officer": services.role_of(project, request.user) == Actor.OFFICER,
        "tranches": [_with_steps(project, tranche, request.user)
                     for tranche in project.tranches.select_related("released_by", "requested_by")],
        "second_person": payments.second_person_required(), "cancel_form": CancelRequestForm(),
        "acceptances": [(a, _conclusion_box(project, a)) for a in project.acceptances.all()],
        "checks": list(project.midterm_checks.all()), "midterm_required_by": midterm_required_by(project),
        "figures": project_figures(project),
        "reports": reports, "final_report_pending": final_report_pending(project, reports),
        "rectification_pending": any(r.kind == ReportKind.RECTIFICATION and r.state != ReportState.ACCEPTED
                                     for r in reports),
        "report_add_form": ReportAddForm(),
        "contract_form": ContractForm(), "release_form": ReleaseForm(), "midterm_form": MidtermForm(),
        "request_form": AcceptanceRequestForm(), "record_form": AcceptanceRecordForm(),
        "task_book_box": _task_book_box(project), "files": submitted_files(project),
    })


def _step(request, pk: int, name: str, form_class, call, *, question=None):
    """Run one project step from its form; ``question(project, data)`` makes it irreversible: without the
    confirmation the answer is the confirmation page naming object and amount, and nothing changes."""
    project = project_for(request.user, pk)
    if not services.may_take(project, request.user, name):
        raise Http404
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("milestones:project", pk=project.pk)
    if question is not None and not is_confirmed(request):
        return confirmation_page(request, question=question(project, form.cleaned_data),
                                 back_url=reverse("milestones:project", args=[project.pk]))
    try:
        call(project, form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("milestones:project", pk=project.pk)


@login_required
@require_POST
def contract_step(request, pk: int):
    return _step(request, pk, "record_contract", ContractForm, lambda project, data: services.contract_record(
        actor=request.user, project=project, signed_on=data["signed_on"], signed_file=data["signed_file"]))


@login_required
def contract_file(request, pk: int):
    project = project_for(request.user, pk)
    if not project.contract_file:
        raise Http404
    return serve(project.contract_file, filename=f"{project.application.reference}-任务书.pdf")


def _task_book_box(project):
    return pdf_box(prefix="task-book", title=_("Task book"), status=project.task_book_status,
                   label=project.get_task_book_status_display(),
                   status_url=reverse("milestones:task_book_status", args=[project.pk]),
                   download_url=reverse("milestones:task_book", args=[project.pk]),
                   retry_url=reverse("milestones:task_book_retry", args=[project.pk]))


@login_required
def task_book_status(request, pk: int):
    return JsonResponse(_task_book_box(project_for(request.user, pk)).as_json())


@login_required
@require_POST
def task_book_retry(request, pk: int):
    project = project_for(request.user, pk)
    return retry_and_return(request, lambda: pdfs.task_book_retry(actor=request.user, project=project),
                            done=_("The task book is being made again."),
                            to=reverse("milestones:project", args=[pk]))


@login_required
def task_book(request, pk: int):
    project = project_for(request.user, pk)
    if not project.task_book:
        raise Http404
    return serve(project.task_book, content_type="application/pdf",
                 filename=f"{project.application.reference}-任务书.pdf")


def _conclusion_box(project, acceptance):
    if not acceptance.conclusion_status:
        return None  # no outcome yet: nothing to make
    args = [project.pk, acceptance.seq]
    return pdf_box(prefix=f"conclusion-{acceptance.seq}", title=_("Acceptance conclusion (PDF)"),
                   status=acceptance.conclusion_status, label=acceptance.get_conclusion_status_display(),
                   status_url=reverse("milestones:conclusion_status", args=args),
                   download_url=reverse("milestones:conclusion", args=args),
                   retry_url=reverse("milestones:conclusion_retry", args=args))


def _recorded_acceptance(request, pk: int, seq: int):
    project = project_for(request.user, pk)
    return project, get_object_or_404(project.acceptances.exclude(conclusion_status=""), seq=seq)


@login_required
def conclusion_status(request, pk: int, seq: int):
    return JsonResponse(_conclusion_box(*_recorded_acceptance(request, pk, seq)).as_json())


@login_required
@require_POST
def conclusion_retry(request, pk: int, seq: int):
    _project, acceptance = _recorded_acceptance(request, pk, seq)
    return retry_and_return(request, lambda: pdfs.conclusion_retry(actor=request.user, acceptance=acceptance),
                            done=_("The acceptance conclusion is being made again."),
                            to=reverse("milestones:project", args=[pk]))


@login_required
def conclusion_pdf(request, pk: int, seq: int):
    project = project_for(request.user, pk)
    acceptance = get_object_or_404(project.acceptances, seq=seq)
    if not acceptance.conclusion:
        raise Http404
    return serve(acceptance.conclusion, content_type="application/pdf",
                 filename=f"{project.application.reference}-验收结论-{seq}.pdf")


@login_required
def acceptance_file(request, pk: int, seq: int, kind: str):
    """The final report or final accounts of an acceptance request: the project's officers and its unit's members
    (``project_for``); anyone else, and any other name, 404."""
    project = project_for(request.user, pk)
    if kind not in ACCEPTANCE_FILES:
        raise Http404
    field = getattr(get_object_or_404(project.acceptances, seq=seq), kind)
    if not field:
        raise Http404
    return serve(field, filename=os.path.basename(field.name))


@login_required
@require_POST
def tranche_release_step(request, pk: int, seq: int):
    """The payment request (two people for every payment), or the one-step release of a single-officer office."""
    project = project_for(request.user, pk)
    tranche = get_object_or_404(project.tranches, seq=seq)
    two = payments.second_person_required()
    return _step(request, pk, "request_payment" if two else "release", ReleaseForm, lambda project, data: (
        payments.tranche_request_payment if two else payments.tranche_release)(
        actor=request.user, tranche=tranche, payment_reference=data["payment_reference"],
        released_on=data["released_on"]),
        # What pays is asked: this one-step release, else the second officer's confirmation (a request pays nothing).
        question=None if two else (lambda project, data: confirm_tranche_release(tranche)))


@login_required
@require_POST
def tranche_confirm_step(request, pk: int, seq: int):
    project = project_for(request.user, pk)
    tranche = get_object_or_404(project.tranches, seq=seq)
    return _step(request, pk, "confirm_payment", forms.Form, lambda project, data: payments.tranche_confirm_payment(
        actor=request.user, tranche=tranche), question=lambda project, data: confirm_tranche_release(tranche))


@login_required
@require_POST
def tranche_cancel_step(request, pk: int, seq: int):
    project = project_for(request.user, pk)
    tranche = get_object_or_404(project.tranches, seq=seq)
    return _step(request, pk, "cancel_request", CancelRequestForm,
                 lambda project, data: payments.tranche_cancel_request(actor=request.user, tranche=tranche,
                                                                        reason=data["reason"]))


@login_required
@require_POST
def midterm_step(request, pk: int):
    return _step(request, pk, "record_midterm", MidtermForm, lambda project, data: services.midterm_record(
        actor=request.user, project=project, outcome=data["outcome"], checked_on=data["checked_on"],
        comments=data["comments"], rectify_by=data["rectify_by"]))


@login_required
@require_POST
def require_midterm_step(request, pk: int):
    return _step(request, pk, "require_midterm", MidtermRequirementForm,
                 lambda project, data: midterm.project_require_midterm(
                     actor=request.user, project=project, required=data["required"], reason=data["reason"]))


@login_required
@require_POST
def acceptance_request_step(request, pk: int):
    return _step(request, pk, "request_acceptance", AcceptanceRequestForm,
                 lambda project, data: services.acceptance_request(
                     actor=request.user, project=project, final_report=data["final_report"],
                     final_accounts=data["final_accounts"], confirm_early=data["confirm_early"]))


@login_required
@require_POST
def acceptance_record_step(request, pk: int):
    return _step(request, pk, "acceptance_pass", AcceptanceRecordForm, lambda project, data: services.acceptance_record(
        actor=request.user, project=project, outcome=data["outcome"], mode=data["mode"],
        inspected_on=data["inspected_on"], expert_opinion=data["expert_opinion"], rectify_by=data["rectify_by"]),
        question=lambda project, data: confirm_acceptance_record(project, data["outcome"]))


@login_required
def ledger(request, program_id: int):
    program = program_for_officer(request.user, program_id)
    totals = ledger_totals(program)
    page, querystring = ledger_page(request, program, total=totals["projects"])
    return render(request, "milestones/ledger.html", {
        "program": program, "page": page, "querystring": querystring, "totals": totals,
        "export_box": _export_box(request, LEDGER_XLSX, program, _("Fund ledger (Excel)")),
        "chart": {**disbursement_chart(totals), "title": _("Disbursement by track (yuan)"),
                  "names": {"released": _("Released"), "due": _("Due"), "planned": _("Planned")}}})


@login_required
def completion_report(request, program_id: int):
    """KPI completion per project of a program, from each project's latest report, as a table and a chart."""
    program = program_for_officer(request.user, program_id)
    page, querystring = ledger_page(request, program)
    rows = program_completion_page(program, page)
    reported = [row for row in rows if row.result is not None and row.result.overall is not None]
    chart = {"title": _("KPI completion by project (%)"), "label": _("Completion (%)"),
             "labels": [row.project.application.reference for row in reported],
             "data": [float(row.result.overall) for row in reported]}
    return render(request, "milestones/completion.html", {
        "program": program, "page": page, "querystring": querystring, "rows": rows, "chart": chart})


def _export_box(request, kind: str, program, title: str):
    return job_box(latest_job(request.user, kind=kind, target=program), prefix="xlsx-export", title=title)


@login_required
@require_POST
def ledger_export(request, program_id: int):
    """Ask for the ledger in Excel: made in the background; the ledger page shows it and offers the download."""
    program = program_for_officer(request.user, program_id)
    job_services.job_request(actor=request.user, kind=LEDGER_XLSX, target=program)
    messages.info(request, _("The Excel file is being made; it will be offered for download here."))
    return redirect("milestones:ledger", program_id=program.pk)


@login_required
def fund_plan(request, program_id: int):
    program = program_for_officer(request.user, program_id)
    rows, total = plan_rows(program)
    return render(request, "milestones/fund_plan.html", {
        "program": program, "rows": rows, "total": total,
        "export_box": _export_box(request, FUND_PLAN_XLSX, program, _("Fund plan (Excel)"))})


@login_required
@require_POST
def fund_plan_export(request, program_id: int):
    program = program_for_officer(request.user, program_id)
    job_services.job_request(actor=request.user, kind=FUND_PLAN_XLSX, target=program)
    messages.info(request, _("The Excel file is being made; it will be offered for download here."))
    return redirect("milestones:fund_plan", program_id=program.pk)


# --- KPI reports -------------------------------------------------------------------------------------------------


@login_required
def report_page(request, pk: int, report_pk: int):
    project, report = report_for(request.user, pk, report_pk, with_snapshot=True)
    figures = report_figures(report, snapshot=report.snapshot)
    kpis, values, result = figures.kpis, figures.values, figures.result
    role = services.role_of(project, request.user)
    steps = allowed_report_steps(report, role)
    unit_may_submit = "submit" in steps
    form = ReportForm(kpis=kpis, values=values)
    if request.method == "POST":
        if not unit_may_submit:
            raise Http404
        form = ReportForm(request.POST, request.FILES, kpis=kpis)
        if form.is_valid():
            try:
                services.report_submit(actor=request.user, report=report, values=form.kpi_values(),
                                       narrative=form.cleaned_data["narrative"],
                                       evidence=form.cleaned_data["evidence"])
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Report submitted."))
                return redirect("milestones:report", pk=project.pk, report_pk=report.pk)
    return render(request, "milestones/report.html", {
        "project": project, "report": report, "result": result, "form": form, "may_submit": unit_may_submit,
        "may_review": {"accept", "return"} <= steps,
        "review_form": ReportReviewForm(),
        "evidence": list(report.evidence.all()),
        "chart": completion_chart(result, title=_("Completion against commitments (%)"), label=_("Completion (%)")),
    })


@login_required
@require_POST
def report_review_step(request, pk: int, report_pk: int):
    project, report = report_for(request.user, pk, report_pk)
    if services.role_of(project, request.user) != Actor.OFFICER:
        raise Http404
    form = ReportReviewForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.report_review(actor=request.user, report=report, accept=form.cleaned_data["decision"] == "accept",
                                   comments=form.cleaned_data["comments"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("milestones:report", pk=project.pk, report_pk=report.pk)


@login_required
@require_POST
def report_add_step(request, pk: int):
    return _step(request, pk, "record_midterm", ReportAddForm, lambda project, data: services.report_add(
        actor=request.user, project=project, due_on=data["due_on"]))


@login_required
def evidence_file(request, pk: int, report_pk: int, evidence_pk: int):
    _project, report = report_for(request.user, pk, report_pk)
    item = get_object_or_404(report.evidence, pk=evidence_pk)
    return serve(item.file, filename=item.original_name)
