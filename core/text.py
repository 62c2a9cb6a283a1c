"""Text helpers shared by every app."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def join_list(items) -> str:
    """Items of a list in the user's language: "A, B, C" in English, "A、B、C" in Chinese."""
    return pgettext("separator between the items of a list", ", ").join(str(item) for item in items)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def text_lines(text) -> list[str]:
    """A typed text's lines, without their line breaks (CR LF, CR or LF), for a PDF template to print each as a block
    of its own (``white-space: pre-wrap`` keeps the spaces in it; an empty line is a blank line). As in one
    pre-wrapped block, a line break that ends the text opens no line: ``""`` has none, ``"a\\n"`` one."""
    lines = _LINE_BREAK.split(str(text or ""))
    if lines[-1] == "":
        lines.pop()
    return lines


# Control characters no free text may hold: NUL (PostgreSQL refuses it) and the other invisible codes; tab, line
# feed and carriage return are kept.
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


def text_problem(value: str, *, label, max_chars: int) -> str | None:
    """What is wrong with a free text that a person typed, naming the field, or None: invisible control characters
    (such as NUL), or more than ``max_chars`` characters."""
    value = value or ""
    if any(ch in CONTROL_CHARACTERS for ch in value):
        return _("%(field)s contains invalid characters (such as NUL or other invisible control codes); remove "
                 "them and try again.") % {"field": label}
    if len(value) > max_chars:
        return _("%(field)s has %(n)s characters; at most %(max)s are allowed. Shorten it.") % {
            "field": label, "n": f"{len(value):,}", "max": f"{max_chars:,}"}
    return None
