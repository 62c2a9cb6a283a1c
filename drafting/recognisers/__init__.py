"""Recognisers, one module per fact family. Each reads sentences (``drafting.text.Sentence``) and returns drafted
items in the guide format, every one with a ``draft`` note: its source sentence, its line and a confidence."""

from __future__ import annotations

RECOGNISED, GUESSED, NEEDS_PERSON = "recognised", "guessed", "needs_person"
CONFIDENCES = (RECOGNISED, GUESSED, NEEDS_PERSON)


def note(sentence, confidence: str, field: str | None = None) -> dict:
    """The ``draft`` note of one drafted fact: where it comes from and how sure the drafter is."""
    out = {"confidence": confidence, "source": sentence.text, "line": sentence.line}
    if field:
        out = {"field": field, **out}
    return out


def with_note(item: dict, sentence, confidence: str) -> dict:
    item["draft"] = [note(sentence, confidence)]
    return item


def set_field(target: dict, field: str, value, sentence, confidence: str) -> None:
    """Set a program's or a track's field and note where it was read."""
    target[field] = value
    notes = [n for n in target.setdefault("draft", []) if n.get("field") != field]
    notes.append(note(sentence, confidence, field))
    target["draft"] = notes
