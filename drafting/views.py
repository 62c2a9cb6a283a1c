"""Guide drafts for portal administrators: upload a guide, read the draft beside its text, fix flagged items, edit,
and load it when it is right. Others get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DraftEditForm, FillForm, GuideUploadForm
from .models import GuideDraft


def _admin(request) -> None:
    if not request.user.is_portal_admin:
        raise Http404


def _messages(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages


@login_required
def draft_list(request):
    _admin(request)
    form = GuideUploadForm()
    if request.method == "POST":
        form = GuideUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                draft = services.guide_draft_create(actor=request.user, name=upload.name, content=upload.read(),
                                                    kind=form.kind())
            except ValidationError as exc:
                for message in _messages(exc):
                    form.add_error("file", message)
            else:
                return redirect("drafting:detail", draft_id=draft.pk)
    return render(request, "drafting/list.html", {"drafts": selectors.draft_list(), "form": form})


def _detail(request, draft: GuideDraft, *, edit_form=None, status=200):
    facts = selectors.draft_facts(draft)
    return render(request, "drafting/detail.html", {
        "draft": draft, "facts": facts, "flagged": [f for f in facts if f.confidence == "needs_person" and f.field],
        "lines": selectors.guide_lines(draft), "replaced": selectors.program_replaced(draft),
        "edit_form": edit_form or DraftEditForm(initial={"draft_yaml": draft.draft_yaml}),
        "steps": selectors.draft_steps(draft),
    }, status=status)


@login_required
def draft_detail(request, draft_id: int):
    _admin(request)
    return _detail(request, selectors.draft_detail(draft_id))


def _step(request, draft_id: int, call):
    _admin(request)
    draft = selectors.draft_detail(draft_id)
    try:
        call(draft)
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
    return redirect("drafting:detail", draft_id=draft.pk)


@login_required
@require_POST
def draft_save(request, draft_id: int):
    form = DraftEditForm(request.POST)

    def save(draft):
        if not form.is_valid():
            raise ValidationError(_("The draft is empty; paste the fixture back or upload the guide again."))
        services.guide_draft_save(actor=request.user, draft_id=draft.pk, yaml_text=form.cleaned_data["draft_yaml"])
        messages.success(request, _("Draft saved and checked again."))
    return _step(request, draft_id, save)


@login_required
@require_POST
def draft_fill(request, draft_id: int):
    form = FillForm(request.POST)

    def fill(draft):
        if not form.is_valid():
            raise ValidationError(_("Give a value for the flagged item."))
        services.guide_draft_fill(actor=request.user, draft_id=draft.pk, **form.cleaned_data)
        messages.success(request, _("Filled in: %(field)s.") % {"field": form.cleaned_data["field"]})
    return _step(request, draft_id, fill)


@login_required
@require_POST
def draft_load(request, draft_id: int):
    def load(draft):
        loaded = services.guide_draft_load(actor=request.user, draft_id=draft.pk)
        messages.success(request, _("Loaded: %(title)s.") % {"title": loaded.program.title if loaded.program else ""})
    return _step(request, draft_id, load)
