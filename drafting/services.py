"""Guide drafts: drafted from an upload, edited and re-checked, loaded when the admin confirms. Each change is atomic,
checked for the portal administrator and audited; nothing reaches the programs before ``guide_draft_load``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.base import DeserializedObject
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from programs.guide_format import GuideFormatError, check_guide, parse_guide
from programs.guide_loader import guide_objects
from programs.models import Program

from .documents import read_document
from .draft import count_notes, draft_guide, draft_yaml, strip_notes
from .models import DRAFT_TRANSITIONS, DraftStatus, GuideDraft, SourceKind

MAX_BYTES = 10 * 1024 * 1024


def _require_admin(actor) -> None:
    if not getattr(actor, "is_portal_admin", False):
        raise PermissionDenied(_("Only a portal administrator may draft and load guides."))


def check_draft(text: str) -> list[str]:
    """Every problem validate_guide finds in the draft's text (the items needing a person among them)."""
    try:
        return check_guide(parse_guide(text), text)
    except GuideFormatError as exc:
        return exc.problems


@transaction.atomic
def guide_draft_create(*, actor, name: str, content: bytes, kind: str) -> GuideDraft:
    """Read the guide (text, Word or PDF), draft its fixture and keep both; nothing is loaded."""
    _require_admin(actor)
    if kind not in SourceKind.values:
        raise ValidationError({"kind": _("Choose text, Word (.docx) or PDF.")})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB; upload the guide's text instead.")})
    text = read_document(content, kind)
    try:
        document = draft_guide(text, source_file=name)
    except ValueError as exc:
        raise ValidationError({"file": _("The file holds no text; upload the guide's text, Word file or PDF.")}) \
            from exc
    yaml_text = draft_yaml(document)
    draft = GuideDraft.objects.create(source_name=name[:200], source_kind=kind, source_text=text,
                                      draft_yaml=yaml_text, problems=check_draft(yaml_text), created_by=actor)
    record_event(target=draft, actor=actor, action="guide_draft_create", to_state=draft.status, reason=name[:200],
                 data=count_notes(document))
    return draft


def _locked(draft_id: int, step: str) -> GuideDraft:
    draft = GuideDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        raise GuideDraft.DoesNotExist
    if draft.status not in DRAFT_TRANSITIONS[step].sources:
        raise ValidationError(_("This draft was already loaded; upload the guide again to draft it anew."),
                              code="loaded")
    return draft


@transaction.atomic
def guide_draft_save(*, actor, draft_id: int, yaml_text: str) -> GuideDraft:
    """Keep the admin's edit (even one with problems, so nothing is lost) and check it again."""
    _require_admin(actor)
    draft = _locked(draft_id, "save")
    yaml_text = yaml_text.replace("\r\n", "\n")
    draft.draft_yaml, draft.problems = yaml_text, check_draft(yaml_text)
    draft.save(update_fields=["draft_yaml", "problems", "updated_at"])
    record_event(target=draft, actor=actor, action="guide_draft_save", from_state=draft.status, to_state=draft.status,
                 data={"problems": len(draft.problems)})
    return draft


INT_FIELDS = {"year", "max_awards", "period_months", "partner_limit", "reviewers_per_application"}


@transaction.atomic
def guide_draft_fill(*, actor, draft_id: int, holder: str, field: str, value: str) -> GuideDraft:
    """A person fills in one flagged field (``holder`` is "program" or "tracks.N"): the value is set, its draft note
    removed, and the draft checked again."""
    _require_admin(actor)
    draft = _locked(draft_id, "fill")
    try:
        document = parse_guide(draft.draft_yaml)
        target = document["program"]
        if holder != "program":
            target = target["tracks"][int(holder.removeprefix("tracks.")) - 1]
    except (GuideFormatError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationError(_("This item is no longer in the draft; edit the whole draft below."),
                              code="gone") from exc
    value = (value or "").strip()
    if not value:
        raise ValidationError({"value": _("Give a value for “%(field)s”.") % {"field": field}})
    if field in INT_FIELDS:
        if not value.isdigit():
            raise ValidationError({"value": _("“%(field)s” is a whole number.") % {"field": field}})
        value = int(value)
    before = target.get(field)
    target[field] = value
    target["draft"] = [n for n in target.get("draft") or [] if n.get("field") != field]
    yaml_text = draft_yaml(document)
    draft.draft_yaml, draft.problems = yaml_text, check_draft(yaml_text)
    draft.save(update_fields=["draft_yaml", "problems", "updated_at"])
    record_event(target=draft, actor=actor, action="guide_draft_fill", from_state=draft.status,
                 to_state=draft.status, reason=f"{holder}.{field}", data={"before": str(before), "after": str(value)})
    return draft


@transaction.atomic
def guide_draft_load(*, actor, draft_id: int) -> GuideDraft:
    """Load the confirmed draft as a program (the guide loader, as loaddata does); refused while it has problems."""
    _require_admin(actor)
    draft = _locked(draft_id, "load")
    problems = check_draft(draft.draft_yaml)
    if problems:
        draft.problems = problems
        draft.save(update_fields=["problems", "updated_at"])
        raise ValidationError(_("The draft still has %(count)s problem(s); fix them (the items that need a person "
                                "among them) before loading.") % {"count": len(problems)}, code="problems")
    document = strip_notes(parse_guide(draft.draft_yaml))
    program = None
    for obj in guide_objects(document):
        DeserializedObject(obj).save()  # as loaddata saves a guide fixture
        if program is None and isinstance(obj, Program):
            program = obj
    draft.status, draft.program, draft.loaded_at, draft.loaded_by = (
        DraftStatus.LOADED, program, timezone.now(), actor)
    draft.problems = []
    draft.save(update_fields=["status", "program", "loaded_at", "loaded_by", "problems", "updated_at"])
    record_event(target=draft, actor=actor, action="guide_draft_load", from_state=DraftStatus.DRAFTED,
                 to_state=DraftStatus.LOADED, reason=program.code if program else "")
    return draft
