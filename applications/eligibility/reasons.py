"""Reasons kept as figures, rendered in the reader's language.

A check returns ``_("Matching funds %(matching)s yuan < %(minimum)s yuan") % values``, where ``_``
is ``Reason``: it records the English msgid and the values, not a sentence. ``str(reason)``
translates at the moment it is shown, so a verdict stored under one language reads in another.
Values are numbers, dates and codes; choice codes travel as ``Label``/``Labels`` and are named
in the reader's language too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext, pgettext

from organisations.choices import AwardCategory, OrgType, RecordLevel
from organisations.models import PatentKind

CHOICES: dict[str, type[models.TextChoices]] = {
    c.__name__: c for c in (OrgType, RecordLevel, AwardCategory, PatentKind)
}


def _list_separator() -> str:
    return pgettext("separator between the items of a list", ", ")


@dataclass(frozen=True)
class Label:
    choices: str
    value: str

    def __str__(self) -> str:
        choices = CHOICES.get(self.choices)
        return str(dict(choices.choices).get(self.value, self.value)) if choices else self.value

    def to_data(self) -> dict:
        return {"t": "label", "c": self.choices, "v": self.value}


@dataclass(frozen=True)
class Join:
    """Several values shown as one list ("A, B" in English, "A、B" in Chinese) or with a fixed separator."""

    items: tuple[Any, ...]
    sep: str = ""

    def __str__(self) -> str:
        return (self.sep or _list_separator()).join(str(i) for i in self.items)

    def to_data(self) -> dict:
        return {"t": "join", "v": [_to_data(i) for i in self.items], "sep": self.sep}


@dataclass(frozen=True)
class Reason:
    msgid: str
    values: dict[str, Any] = field(default_factory=dict)

    def __mod__(self, values: dict[str, Any]) -> Reason:
        return Reason(self.msgid, dict(values))

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if self.values:
            text = text % {k: _rendered(v) for k, v in self.values.items()}
        return " ".join(text.split())

    def to_data(self) -> dict:
        return {"t": "msg", "id": self.msgid, "v": {k: _to_data(v) for k, v in self.values.items()}}


def labels(choices: type[models.TextChoices], values, sep: str = "") -> Join:
    return Join(tuple(Label(choices.__name__, str(v)) for v in values), sep)


def _rendered(value: Any) -> Any:
    return str(value) if isinstance(value, Label | Join | Reason) else value


def _to_data(value: Any) -> Any:
    return value.to_data() if isinstance(value, Label | Join | Reason) else value


def from_data(data: Any) -> Any:
    if not isinstance(data, dict) or "t" not in data:
        return data
    if data["t"] == "label":
        return Label(str(data["c"]), str(data["v"]))
    if data["t"] == "join":
        return Join(tuple(from_data(i) for i in data.get("v", [])), str(data.get("sep", "")))
    return Reason(str(data["id"]), {k: from_data(v) for k, v in (data.get("v") or {}).items()})
