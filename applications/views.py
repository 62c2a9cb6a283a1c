from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.pagination import paginate, paginate_ids
from core.storage import serve
from jobs.views import retry_and_return
from organisations.selectors import organisations_for
from programs.models import Track
from programs.selectors import is_call_open

from . import services
from .filters import QueueFilter
from .forms import (
    DECLARATION_TEXT,
    EXPLAIN_PREFIX,
    ApplicationForms,
    ConditionForm,
    DecisionForm,
    PassForm,
    StartForm,
    UploadForm,
    WithdrawForm,
    explanations_from,
)
from .hooks import application_panels
from .inputs import MATERIAL_FILES_MAX
from .models import TRANSITIONS, PdfStatus, Status
from .prechecks import checked_rows, organisation_prechecks, submitted_rows
from .selectors import (
    application_for,
    application_for_member,
    application_history,
    conditions_with_decisions,
    earlier_applications,
    group_uploads,
    my_applications,
    officer_queue,
    officer_queue_rows,
    submitted_view,
    track_materials,
    upload_for,
    uploads_by_material,
    version_changes,
    versions_of,
    with_queue_tracks,
)

DRAFT_SKIP = {"csrfmiddlewaretoken", "action"}


def _draft_from(post) -> dict[str, str]:
    return {k: v for k, v in post.items() if k not in DRAFT_SKIP}


def _busy_message() -> str:
    return _("The server is busy; your changes were not saved yet. Please try again in a moment.")


@login_required
def mine(request):
    if not request.user.is_applicant:
        raise Http404
    page, querystring = paginate(request, my_applications(request.user))
    organisations = organisations_for(request.user)
    return render(request, "applications/mine.html",
                  {"page": page, "querystring": querystring, "organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def start(request, track_id: int):
    track = get_object_or_404(Track.objects.select_related("program"), pk=track_id)
    if not request.user.is_applicant:
        raise Http404
    organisations = organisations_for(request.user)
    earlier = earlier_applications(organisations.values("pk"), track)
    form = StartForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user, track=track, organisation=form.cleaned_data["organisation"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Application %(ref)s started. Your work is saved as you type.")
                             % {"ref": application.reference})
            others = [a.reference for a in earlier if a.pk != application.pk
                      and a.organisation_id == application.organisation_id]
            if others:
                messages.warning(request, _("Your organisation already has an application to this track: %(list)s. "
                                            "The guide may allow only one; delete or withdraw the one you do not need.")
                                 % {"list": "、".join(others)})
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/start.html", {
        "track": track, "form": form, "has_organisations": organisations.exists(), "earlier": earlier,
        "call_open": is_call_open(track.program), "program": track.program,
        "prechecks": organisation_prechecks(request.user, track),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    application = application_for_member(request.user, pk)
    if not application.is_editable:
        return _not_editable(request, application)
    track = application.track
    if request.method == "POST":
        try:
            data, notes = services.clean_draft(track, _draft_from(request.POST))
        except ValidationError as exc:
            data, notes = _draft_from(request.POST), []
            messages.error(request, " ".join(exc.messages))
            return _edit_page(request, application, ApplicationForms(track, data=data))
        try:
            application = services.application_save_draft(actor=request.user, application=application, data=data)
        except ValidationError as exc:
            if exc.code == "not_editable":
                return _not_editable(request, application)
            raise
        except OperationalError:
            messages.error(request, _busy_message())
            return _edit_page(request, application, ApplicationForms(track, data=data))
        for note in notes:
            messages.warning(request, note)
        forms = ApplicationForms(track, data=data)
        if request.POST.get("action") == "submit":
            if forms.is_valid():
                step = (services.application_resubmit if application.status == Status.RETURNED
                        else services.application_submit)
                try:
                    step(actor=request.user, application=application, data=forms.submission_data())
                except ValidationError as exc:
                    if getattr(exc, "code", None) == "already_submitted":
                        messages.info(request, " ".join(exc.messages))
                        return redirect("applications:detail", pk=pk)
                    forms.add_problems(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
                except OperationalError:
                    messages.error(request, _busy_message())
                    return _edit_page(request, application, forms)
                else:
                    messages.success(request, _("Application %(ref)s was submitted. The application PDF is being "
                                                "prepared.") % {"ref": application.reference})
                    return redirect("applications:detail", pk=pk)
            messages.error(request, _("Not submitted: %(n)s problems are marked below. Your draft is saved.")
                           % {"n": max(forms.error_count, 1)})
        else:
            forms.is_valid()
            messages.success(request, _("Draft saved."))
            if request.POST.get("action") == "check":
                return redirect("applications:check", pk=pk)
    else:
        forms = ApplicationForms(track, initial=application.draft)
    return _edit_page(request, application, forms)


def _edit_page(request, application, forms):
    track = application.track
    uploads = uploads_by_material(application)
    materials = [(m, uploads.get(m.pk, [])) for m in track.materials.all() if m.archived_at is None]
    explain_errors = {k: v for k, v in forms.extra_errors.items() if k.startswith(EXPLAIN_PREFIX)}
    return render(request, "applications/edit.html", {
        "application": application, "track": track, "forms": forms, "materials": materials,
        "call_open": is_call_open(track.program), "plan_max": services.PLAN_MAX_CHARS,
        "soft_failures": _soft_failure_rows(services.evaluate_application(application), application.draft,
                                            explain_errors or None),
    })


def _not_editable(request, application):
    """A save or submit that arrives after the application left the draft (another tab, a double click)."""
    application.refresh_from_db(fields=["status", "version"])
    if application.status == Status.SUBMITTED:
        messages.info(request, _("This application was already submitted (version %(n)s); nothing more to do.")
                      % {"n": application.version})
    else:
        messages.info(request, _("This application can no longer be edited."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def autosave(request, pk: int):
    application = application_for_member(request.user, pk)
    try:
        data, notes = services.clean_draft(application.track, _draft_from(request.POST))
        application = services.application_save_draft(actor=request.user, application=application, data=data)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "error": " ".join(exc.messages)}, status=409)
    except OperationalError:
        return JsonResponse({"saved": False, "error": _busy_message()}, status=503)
    saved_at = timezone.localtime(application.draft_saved_at)
    message = _("Saved at %(time)s") % {"time": saved_at.strftime("%H:%M:%S")}
    return JsonResponse({"saved": True, "saved_at": saved_at.isoformat(),
                         "message": " ".join([message, *notes]), "notes": notes})


def _soft_failure_rows(verdict, draft: dict, errors: dict | None = None) -> list[tuple]:
    """(result, explanation as typed, its problems) for each soft condition not met."""
    explanations = explanations_from(draft)
    if errors is None:  # before a submit: only say what is wrong with what was typed
        typed = {k: v for k, v in explanations.items() if v.strip()}
        errors = services.explanation_problems(verdict, typed) if typed else {}
        errors = {k: v for k, v in errors.items() if int(k.split("-")[1]) in typed}
    return [(r, explanations.get(r.rule_id, ""), errors.get(f"explain-{r.rule_id}", []))
            for r in verdict.soft_failures]


@login_required
def check(request, pk: int):
    """填写检查: the eligibility verdict rule by rule, and what is still missing, before submitting."""
    application = application_for_member(request.user, pk)
    verdict = services.evaluate_application(application)
    forms = ApplicationForms(application.track, data=application.draft)
    problems = {}
    if forms.is_valid():
        problems = services.submission_problems(application, forms.submission_data())
        problems.pop("declaration", None)  # asked beside the submit button below
    can_submit = verdict.can_submit()
    return render(request, "applications/check.html", {
        "application": application, "verdict": verdict, "forms": forms, "problems": problems,
        "rows": checked_rows(verdict, services.active_rules(application.track),
                             organisation_id=application.organisation_id, application_id=application.pk),
        "soft_failures": _soft_failure_rows(verdict, application.draft),
        "hidden_draft": {k: v for k, v in application.draft.items() if not k.startswith(EXPLAIN_PREFIX)},
        "form_valid": forms.is_valid(),
        "can_submit": can_submit and not problems and forms.is_valid(),
        "eligibility_ok": can_submit, "call_open": is_call_open(application.track.program),
        "declaration_text": DECLARATION_TEXT,
    })


@login_required
def detail(request, pk: int):
    application = application_for(request.user, pk)
    return _detail_page(request, application)


def _detail_page(request, application, *, pass_form=None, withdraw_form=None, condition_errors=None):
    """Each thing the page shows is read once and handed to every part that shows it: the versions (the last one is
    the submitted content; with their submitters), the track's materials and the uploads (the materials list and
    the submitted content), so the page runs the same queries with one upload or many."""
    versions = list(versions_of(application))
    materials = list(track_materials(application.track))
    uploads = list(application.uploads.order_by("uploaded_at", "pk"))  # grouped by material below
    steps = services.allowed_steps(application, request.user)
    submitted = versions[-1] if versions else None
    conditions = conditions_with_decisions(application, versions=versions) if application.version else []
    decisions = {int(result["rule_id"]): decision for result, decision in conditions if decision is not None}
    by_material = group_uploads(uploads)
    return render(request, "applications/detail.html", {
        "application": application, "track": application.track,
        "materials": [(m, by_material.get(m.pk, [])) for m in materials],
        "history": application_history(application), "versions": versions,
        "steps": steps, "decision_form": DecisionForm(), "pass_form": pass_form or PassForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "submitted": submitted_view(application, submitted, materials=materials, uploads=uploads)
        if submitted else None,
        "conditions": conditions,
        "can_decide": services.may_judge_conditions(application, request.user),
        "in_formal_review": application.status == Status.SUBMITTED,
        "condition_errors": condition_errors or {},
        "decision_choices": ConditionForm().fields["decision"].choices,
        "commitments": application.kpi_commitments.select_related("kpi"),
        "partners": application.partners.all(), "budget": application.budget_lines.all(),
        "verdict_rows": submitted_rows(application, decisions), "explanations": application.explanations or {},
        "pdf_box": _pdf_box(application), "panels": application_panels(request, application),
    })


@login_required
@require_http_methods(["GET", "POST"])
def materials(request, pk: int):
    application = application_for_member(request.user, pk)
    track = application.track
    form = UploadForm(track=track)
    failed_material = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, track=track)
        if form.is_valid():
            material = track.materials.get(pk=form.cleaned_data["material"])
            try:
                services.material_upload(actor=request.user, application=application, material=material,
                                         uploaded_file=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("“%(name)s” added to “%(title)s”.")
                                 % {"name": form.cleaned_data["file"].name, "title": material.title})
                return redirect("applications:materials", pk=pk)
        failed_material = form.cleaned_data.get("material")
        if "material" in form.errors:
            messages.error(request, " ".join(form.errors["material"]))
    uploads = uploads_by_material(application)
    return render(request, "applications/materials.html", {
        "application": application, "track": track, "form": form, "failed_material": failed_material,
        "max_files": MATERIAL_FILES_MAX,
        "materials": [(m, uploads.get(m.pk, [])) for m in track.materials.all()],
    })


@login_required
@require_POST
def material_remove(request, pk: int, upload_pk: int):
    application_for_member(request.user, pk)
    upload = upload_for(request.user, pk, upload_pk)
    try:
        services.material_remove(actor=request.user, upload=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("applications:materials", pk=pk)


@login_required
def material_download(request, pk: int, upload_pk: int):
    upload = upload_for(request.user, pk, upload_pk)
    return serve(upload.file, filename=upload.original_name, content_type=upload.content_type)


@login_required
def pdf(request, pk: int):
    application = application_for(request.user, pk)
    if application.pdf_status != PdfStatus.READY or not application.pdf_file:
        raise Http404
    return serve(application.pdf_file, filename=f"{application.reference}-v{application.pdf_version}.pdf",
                 content_type="application/pdf")


def _pdf_box(application):
    from jobs.status import pdf_box

    return pdf_box(prefix="pdf", title=_("Application book (PDF)"), status=application.pdf_status,
                   label=application.get_pdf_status_display(),
                   status_url=reverse("applications:pdf_status", args=[application.pk]),
                   download_url=reverse("applications:pdf", args=[application.pk]),
                   retry_url=reverse("applications:pdf_retry", args=[application.pk]))


@login_required
def pdf_status(request, pk: int):
    application = application_for(request.user, pk)
    return JsonResponse({"status": application.pdf_status, "version": application.pdf_version}
                        | _pdf_box(application).as_json())


@login_required
@require_POST
def pdf_retry(request, pk: int):
    application = application_for(request.user, pk)
    return retry_and_return(request, lambda: services.application_retry_pdf(actor=request.user,
                                                                             application=application),
                            done=_("The application PDF is being made again."),
                            to=reverse("applications:detail", args=[pk]))


@login_required
@require_POST
def decide(request, pk: int, step: str):
    application = application_for(request.user, pk)
    if not request.user.is_officer or step not in ("return", "pass", "refuse"):
        raise Http404
    form = (PassForm if step == "pass" else DecisionForm)(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _detail_page(request, application, pass_form=form if step == "pass" else None)
    service = {"return": services.application_return, "pass": services.application_pass,
               "refuse": services.application_refuse}[step]
    try:
        service(actor=request.user, application=application, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[step].label})
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    application = application_for_member(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return _detail_page(request, application, withdraw_form=form)
    try:
        services.application_withdraw(actor=request.user, application=application,
                                      reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def delete_draft(request, pk: int):
    application = application_for_member(request.user, pk)
    reference = application.reference
    try:
        services.application_delete_draft(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:detail", pk=pk)
    messages.success(request, _("Draft %(ref)s deleted.") % {"ref": reference})
    return redirect("applications:mine")


@login_required
@require_POST
def decide_condition(request, pk: int):
    """The officer's 符合 / 不符合 on one officer-judged condition."""
    application = application_for(request.user, pk)
    if not request.user.is_officer:
        raise Http404
    form = ConditionForm(request.POST)
    errors = {}
    if form.is_valid():
        try:
            services.condition_decide(actor=request.user, application=application,
                                      rule_id=form.cleaned_data["rule_id"], decision=form.cleaned_data["decision"],
                                      note=form.cleaned_data["note"])
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("applications:detail", pk=pk)
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, " ".join(errors))
    rule_id = form.cleaned_data.get("rule_id") if hasattr(form, "cleaned_data") else None
    return _detail_page(request, application, condition_errors={rule_id: errors})


@login_required
def version_diff(request, pk: int):
    application = application_for(request.user, pk)
    versions = list(versions_of(application))
    if len(versions) < 2:
        raise Http404
    by_number = {v.number: v for v in versions}
    try:
        older = by_number[int(request.GET.get("a", versions[-2].number))]
        newer = by_number[int(request.GET.get("b", versions[-1].number))]
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    return render(request, "applications/diff.html", {
        "application": application, "older": older, "newer": newer, "versions": versions,
        "changes": version_changes(application, older, newer),
    })


@login_required
def queue(request):
    if not request.user.is_officer:
        raise Http404
    filterset = QueueFilter(request.GET or None, queryset=officer_queue(request.user), user=request.user)
    page, querystring = paginate_ids(request, filterset.qs, officer_queue_rows, per_page=25)
    with_queue_tracks(page.object_list, filterset.tracks)
    return render(request, "applications/queue.html",
                  {"filter": filterset, "page": page, "querystring": querystring})
