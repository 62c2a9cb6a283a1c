"""What an applicant sends, made safe to keep: draft cleaning, row bounds, amounts as typed, upload checks.

Pure functions (no writes); the services call them before anything is saved.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programs.models import JointPolicy, Track

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A material may take several files (Qingyuan's material 3 asks for three kinds of document); ten is more than
# any guide's material lists, and keeps a crafted request from filling the disk one file at a time.
MATERIAL_FILES_MAX = 10
# No guide limits the plan; the Guangdong form says longer explanations go on attached pages (可另附页).
# 6,000 characters is about three printed pages (the form box plus extra pages); longer texts go in an
# attached material. This keeps the PDF of the largest allowed application under a second.
PLAN_MAX_CHARS = 6_000
# Repeated rows: the form shows a fixed number; more can only come from a crafted request.
# The guides' budget tables have at most a dozen headings; 20 lines of 60 characters leave room.
MAX_BUDGET_LINES = 20
BUDGET_ITEM_MAX = 60
CONDITION_NOTE_MAX = 300
MAX_PARTNERS_UNLIMITED = 10
WITHDRAW_REASON_MAX = 500
# 回避申请: NSFC lets an applicant name at most three experts who should not review; the guides say nothing.
MAX_EXCLUSIONS = 3
EXCLUSION_REASON_MAX = 300
# Characters no text field may hold (PostgreSQL refuses NUL; the rest are invisible control codes).
_CONTROL = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 127)}
ALLOWED_UPLOADS = {
    ".pdf": ("application/pdf",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".png": ("image/png",),
    ".doc": ("application/msword",),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".xls": ("application/vnd.ms-excel",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
}
# What a file of each kind starts with; a renamed file of another kind is refused.
MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def lenient_decimal(value) -> Decimal | None:
    """A draft amount as typed ("1,200,000", "30万" is not accepted), or None if it does not parse."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        return None
    return number.quantize(Decimal("0.01"))


_FIELD_LABELS = {"plan": _lazy("Project plan"), "title": _lazy("Project title")}


def row_limits(track: Track) -> dict[str, int]:
    """How many rows each repeated part of the form may have (the form shows exactly these)."""
    if track.joint_policy == JointPolicy.REFUSED:
        partners = 0
    else:
        partners = track.partner_limit if track.partner_limit is not None else MAX_PARTNERS_UNLIMITED
    return {"partners": partners, "budget": MAX_BUDGET_LINES, "exclusions": MAX_EXCLUSIONS}


def _row_total(data: dict, prefix: str) -> int:
    try:
        return max(int(str(data.get(f"{prefix}-TOTAL_FORMS") or 0)), 0)
    except ValueError:
        return 0


# Keys every rendering of the application form sends.
FORM_KEYS = ("title", "plan", "partners-TOTAL_FORMS", "budget-TOTAL_FORMS")


def clean_draft(track: Track, data: dict) -> tuple[dict[str, str], list[str]]:
    """The draft with control characters removed and row sets bounded, and a note for each change.

    Nothing else is dropped: the rest of what was typed is kept exactly.
    """
    notes: list[str] = []
    cleaned: dict[str, str] = {}
    if not any(key in data for key in FORM_KEYS):
        # Not the application form (an empty or truncated request): keep the saved draft as it is.
        raise ValidationError(_("Nothing from the application form arrived, so your saved draft was kept as it "
                                "was. Reload the page and try again."), code="empty")
    too_long = [str(k) for k, v in data.items() if len(str(v)) > PLAN_MAX_CHARS]
    if too_long:
        raise ValidationError(
            _("%(field)s is longer than %(max)s characters; shorten it (details go in an attached material). "
              "Nothing was saved.") % {"field": _FIELD_LABELS.get(too_long[0], too_long[0]), "max": PLAN_MAX_CHARS},
            code="too_long",
        )
    stripped = False
    for key, value in data.items():
        key, text = str(key).translate(_CONTROL), str(value)
        clean = text.translate(_CONTROL)
        stripped = stripped or clean != text
        if key:
            cleaned[key] = clean
    if stripped:
        notes.append(_("Invisible control characters (such as NUL) were removed from your text; the rest is kept."))
    messages = {
        "partners": _("At most %(n)s partners are allowed; rows beyond that were not kept."),
        "budget": _("At most %(n)s budget lines are allowed; rows beyond that were not kept."),
        "exclusions": _("At most %(n)s experts may be excluded; rows beyond that were not kept."),
    }
    for prefix, limit in row_limits(track).items():
        total = _row_total(cleaned, prefix)
        if total <= limit:
            continue
        cleaned[f"{prefix}-TOTAL_FORMS"] = str(limit)
        for key in [k for k in cleaned if k.startswith(f"{prefix}-")]:
            index = key[len(prefix) + 1:].split("-", 1)[0]
            if index.isdigit() and int(index) >= limit:
                del cleaned[key]
        notes.append(messages[prefix] % {"n": limit})
    return cleaned, notes


def draft_partner_count(draft: dict) -> int:
    try:
        total = int(draft.get("partners-TOTAL_FORMS") or 0)
    except ValueError:
        return 0
    return sum(
        1 for i in range(min(total, 50))
        if (draft.get(f"partners-{i}-name") or "").strip() and not draft.get(f"partners-{i}-DELETE")
    )


def check_upload(uploaded_file) -> tuple[str, str]:
    """Return (extension, content type) or raise ValidationError saying what is wrong and what to do."""
    name = uploaded_file.name or ""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_UPLOADS:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Upload a PDF, a JPG or PNG image, or a Word or Excel file.")
            % {"name": name}
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most %(max)d MB. Compress or split it.")
            % {"name": name, "size": uploaded_file.size / 1024 / 1024, "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("“%(name)s” is empty. Choose the file again.") % {"name": name})
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[ext]):
        raise ValidationError(
            _("“%(name)s” does not look like a %(ext)s file. Save it again in that format and upload it.")
            % {"name": name, "ext": ext}
        )
    return ext, ALLOWED_UPLOADS[ext][0]
