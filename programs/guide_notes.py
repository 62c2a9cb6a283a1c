"""Draft notes in a guide document (written by drafting.draft): which facts a person must still fill in."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

# A drafted fixture (drafting.draft) notes on each item where it was read: ``draft: [{field, confidence, source,
# line}]``. A note whose confidence is ``needs_person`` is named until a person fills the value in and removes it.
DRAFT_CONFIDENCES = {"recognised", "guessed", "needs_person"}


def check_draft_notes(c, place: str, node: Any) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node, 1):
            at = f"{place}[{i}]"
            if place.endswith(".tracks") and isinstance(item, dict):
                at = f"{at} «{item.get('code')}»"
            check_draft_notes(c, at, item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key != "draft":
            check_draft_notes(c, f"{place}.{key}", value)
            continue
        if not isinstance(value, list) or not all(isinstance(n, dict) for n in value):
            c.add(f"{place}.draft", _("write the draft notes as a list of {field, confidence, source, line}"))
            continue
        for n in value:
            if n.get("confidence") not in DRAFT_CONFIDENCES:
                c.add(f"{place}.draft", _("“%(value)s” is not one of: %(choices)s")
                      % {"value": n.get("confidence"), "choices": ", ".join(sorted(DRAFT_CONFIDENCES))})
            elif n["confidence"] == "needs_person":
                at = f"{place}.{n['field']}" if n.get("field") else place
                c.add(at, _("needs a person: %(sentence)s (fill it in, then remove this draft note)")
                      % {"sentence": n.get("source") or "—"})
