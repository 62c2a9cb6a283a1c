"""Reading an expert pool from an Excel file (openpyxl): one reviewer per row under a header row.

Headers may be in Chinese or English (``COLUMNS``); the order of the columns is free. Every bad row is reported
with its row number and what to fix; the caller imports nothing from a file with any error.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.uscc import normalise_uscc, validate_uscc

# key → (accepted headers, label shown in messages, required)
COLUMNS: dict[str, tuple[tuple[str, ...], object, bool]] = {
    "name": (("姓名", "name"), gettext_lazy("name"), True),
    "email": (("电子邮箱", "邮箱", "email", "e-mail"), gettext_lazy("e-mail"), True),
    "affiliation_name": (("工作单位", "单位", "affiliation"), gettext_lazy("affiliation"), False),
    "affiliation_uscc": (("统一社会信用代码", "单位信用代码", "credit code", "uscc"), gettext_lazy("credit code"),
                         False),
    "title": (("职称", "title"), gettext_lazy("professional title"), False),
    "expertise": (("专业领域", "expertise"), gettext_lazy("expertise"), False),
    "regions": (("地区代码", "regions"), gettext_lazy("regions"), False),
    "phone": (("手机", "电话", "phone"), gettext_lazy("phone"), False),
    "load_limit": (("评审上限", "load limit"), gettext_lazy("load limit"), False),
}
SPLIT = re.compile(r"[,，、;；\s]+")
MAX_ROWS = 2000
DEFAULT_LOAD_LIMIT = 10


@dataclass
class PoolRow:
    row: int
    name: str
    email: str
    affiliation_name: str = ""
    affiliation_uscc: str = ""
    title: str = ""
    expertise: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    phone: str = ""
    load_limit: int = DEFAULT_LOAD_LIMIT


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _clause(messages: list[str]) -> str:
    """A validator's sentences set inside a row's problems: the row's own full stop ends them, not a second one."""
    return " ".join(messages).rstrip("。.")


def _header_map(header: tuple) -> tuple[dict[str, int], list[str]]:
    lookup = {alias.lower(): key for key, (aliases, _label, _req) in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = lookup.get(_text(cell).lower())
        if key and key not in found:
            found[key] = index
    missing = [str(label) for key, (_aliases, label, required) in COLUMNS.items() if required and key not in found]
    return found, missing


def read_pool(content: bytes, *, known_regions: set[str]) -> tuple[list[PoolRow], list[str]]:
    """(rows, problems). Problems name the row number as Excel shows it, or the whole file."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return [], [_("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")]
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if header is None:
        return [], [_("The first sheet is empty: put the column headers in row 1 and one reviewer per row.")]
    columns, missing = _header_map(header)
    if missing:
        return [], [_("Row 1 must have the columns %(columns)s.") % {"columns": "、".join(missing)}]
    rows, problems, emails = [], [], {}
    for number, line in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            problems.append(_("At most %(n)s reviewers per file; split the file.") % {"n": MAX_ROWS})
            break
        cells = {key: _text(line[i]) if i < len(line) else "" for key, i in columns.items()}
        if not any(cells.values()):
            continue
        row, row_problems = _row(number, cells, known_regions)
        if row is not None and row.email in emails:
            row_problems.append(_("the e-mail %(email)s is also in row %(other)s")
                                % {"email": row.email, "other": emails[row.email]})
        if row is not None:
            emails.setdefault(row.email, number)
        if row_problems:
            problems.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(row_problems)})
        else:
            rows.append(row)
    if not rows and not problems:
        problems.append(_("The file lists no reviewers: one reviewer per row, under the header row."))
    return rows, problems


def column_limits() -> dict[str, int]:
    """The longest value each text column may hold: the length of the column it is stored in (the e-mail is also
    the username). A longer value is refused with its row, never cut."""
    from accounts.models import User

    from .models import ReviewerProfile

    field = ReviewerProfile._meta.get_field
    return {"name": field("name").max_length, "email": User._meta.get_field("username").max_length,
            "affiliation_name": field("affiliation_name").max_length, "title": field("title").max_length,
            "phone": field("phone").max_length}


def _row(number: int, cells: dict[str, str], known_regions: set[str]) -> tuple[PoolRow | None, list[str]]:
    problems = [_("the %(field)s has %(n)s characters; at most %(max)s are allowed")
                % {"field": COLUMNS[key][1], "n": len(cells.get(key, "")), "max": limit}
                for key, limit in column_limits().items() if len(cells.get(key, "")) > limit]
    name, email = cells.get("name", ""), cells.get("email", "").lower()
    if not name:
        problems.append(_("the name is empty"))
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("“%(email)s” is not an e-mail address") % {"email": email} if email
                        else _("the e-mail is empty"))
    uscc = normalise_uscc(cells.get("affiliation_uscc", ""))
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            problems.append(_("credit code %(code)s: %(error)s") % {"code": uscc, "error": _clause(exc.messages)})
    regions = [c for c in SPLIT.split(cells.get("regions", "")) if c]
    unknown = [c for c in regions if c not in known_regions]
    if unknown:
        problems.append(_("unknown region code %(codes)s (use GB/T 2260 codes such as 440115)")
                        % {"codes": "、".join(unknown)})
    limit_text = cells.get("load_limit", "")
    limit = DEFAULT_LOAD_LIMIT
    if limit_text:
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 200:
            problems.append(_("the load limit “%(value)s” is not a whole number from 1 to 200") % {"value": limit_text})
        else:
            limit = int(limit_text)
    if problems:
        return (PoolRow(row=number, name=name, email=email) if email else None), problems
    return PoolRow(
        row=number, name=name, email=email, affiliation_name=cells.get("affiliation_name", ""),
        affiliation_uscc=uscc, title=cells.get("title", ""),
        expertise=[w for w in SPLIT.split(cells.get("expertise", "")) if w], regions=regions,
        phone=cells.get("phone", ""), load_limit=limit,
    ), []
