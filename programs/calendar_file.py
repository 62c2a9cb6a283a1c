"""Reading a year's holiday schedule from a small YAML text or an Excel file: date, kind, name per line.

YAML: a list of ``{date: 2027-02-06, kind: 休, name: 春节}`` (or a mapping whose ``days`` is that list).
Excel (.xlsx): a header row 日期 / 类型 / 名称 (or date / kind / name), one day per row.
Every bad line is reported with its line (or Excel row) number and what to write instead; the caller enters
nothing from a file with any problem.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import NamedTuple

from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarDayKind

KINDS = {
    CalendarDayKind.HOLIDAY: ("holiday", "休", "假", "放假", "节假日", "day off", "off"),
    CalendarDayKind.WORKDAY: ("workday", "班", "上班", "调休上班", "工作日", "working day", "work"),
}
HEADERS = {"date": ("日期", "date"), "kind": ("类型", "kind"), "name": ("名称", "节日", "name")}
MAX_DAYS = 100


class EnteredDay(NamedTuple):
    line: int
    date: dt.date
    kind: str
    name: str


def kind_of(text: str) -> str | None:
    text = text.strip().lower()
    return next((kind for kind, words in KINDS.items() if text in words), None)


def check_days(year: int, raw: list[tuple[int, object, object, object]]) -> tuple[list[EnteredDay], list[str]]:
    """(days, problems) from (line, date, kind, name) as read; each problem names its line."""
    days, problems, seen = [], [], {}
    name_max = CalendarDay._meta.get_field("name").max_length
    for line, date_value, kind_value, name_value in raw:
        line_problems = []
        day = _date(date_value)
        if day is None:
            line_problems.append(_("“%(value)s” is not a date; write it as %(year)s-02-06")
                                 % {"value": _text(date_value), "year": year})
        elif day.year != year:
            line_problems.append(_("%(day)s is not in %(year)s") % {"day": day.isoformat(), "year": year})
        elif day in seen:
            line_problems.append(_("%(day)s is also on line %(other)s") % {"day": day.isoformat(),
                                                                             "other": seen[day]})
        kind = kind_of(_text(kind_value))
        if kind is None:
            line_problems.append(_("the kind “%(value)s” is neither 休 (holiday) nor 班 (adjusted working day)")
                                 % {"value": _text(kind_value)})
        name = _text(name_value)
        if len(name) > name_max:
            line_problems.append(_("the name has %(n)s characters; at most %(max)s are allowed")
                                 % {"n": len(name), "max": name_max})
        if day is not None and day.year == year:
            seen.setdefault(day, line)
        if line_problems:
            problems.append(_("Line %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(line_problems)})
        else:
            days.append(EnteredDay(line, day, kind, name))
    if not raw:
        problems.append(_("The schedule lists no days: one day per line, with its date, 休 or 班, and the name."))
    elif len(raw) > MAX_DAYS:
        problems.append(_("At most %(n)s days per year; this is not a holiday schedule.") % {"n": MAX_DAYS})
    return days, problems


def read_yaml(text: str) -> tuple[list[tuple[int, object, object, object]], list[str]]:
    """(lines as read, problems) from YAML text."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("Line %(line)s: ") % {"line": mark.line + 1} if mark else ""
        return [], [where + _("this is not YAML; write one day per line as “- {date: 2027-02-06, kind: 休, "
                              "name: 春节}”.")]
    if isinstance(root, yaml.MappingNode):
        root = next((value for key, value in root.value if key.value == "days"), None)
    if not isinstance(root, yaml.SequenceNode):
        return [], [_("The YAML must be a list of days (or have a “days” list), one day per line.")]
    rows = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            rows.append((line, None, None, None))
            continue
        fields = {key.value: value.value for key, value in item.value if isinstance(value, yaml.ScalarNode)}
        rows.append((line, fields.get("date") or fields.get("日期"), fields.get("kind") or fields.get("类型"),
                     fields.get("name") or fields.get("名称")))
    return rows, []


def read_xlsx(content: bytes) -> tuple[list[tuple[int, object, object, object]], list[str]]:
    """(rows as read, problems) from the first sheet of an Excel workbook; row numbers as Excel shows them."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return [], [_("The file is neither YAML nor an Excel workbook (.xlsx). Save it as .xlsx or .yaml and "
                      "upload it again.")]
    lines = workbook.worksheets[0].iter_rows(values_only=True)
    header = [_text(cell).lower() for cell in next(lines, None) or ()]
    columns = {key: next((i for i, cell in enumerate(header) if cell in aliases), None)
               for key, aliases in HEADERS.items()}
    if columns["date"] is None or columns["kind"] is None:
        return [], [_("Row 1 must have the columns 日期 (date), 类型 (kind) and 名称 (name).")]
    rows = []
    for number, line in enumerate(lines, start=2):
        cells = [line[i] if i is not None and i < len(line) else None
                 for i in (columns["date"], columns["kind"], columns["name"])]
        if any(_text(cell) for cell in cells):
            rows.append((number, *cells))
    return rows, []


def read_schedule(*, year: int, content: bytes | None = None, text: str = "") -> tuple[list[EnteredDay], list[str]]:
    """A year's days from an uploaded file (YAML or .xlsx) or from pasted YAML text."""
    if content is not None and content[:2] == b"PK":
        raw, problems = read_xlsx(content)
    else:
        if content is not None:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                return [], [_("The file is neither YAML (UTF-8 text) nor an Excel workbook (.xlsx).")]
        raw, problems = read_yaml(text)
    if problems:
        return [], problems
    return check_days(year, raw)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()  # an Excel cell's naive date-time: its date is what the sheet shows
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value).replace("/", "-"))
    except ValueError:
        return None


def _text(value) -> str:
    return "" if value is None else str(value).strip()
