"""The registry of tie-break keys: every key and kind documented in fixtures/README.md, the stored forms read back,
the plain words of the procedure."""

from pathlib import Path

import pytest
from django.utils import translation

from programs.models import Track
from programs.procedure import procedure_for
from programs.tie_breaks import TIE_BREAKS, TieBreak, TieBreakKind, tie_breaks_of

README = Path(__file__).resolve().parents[2] / "fixtures" / "README.md"


def test_tie_breaks_every_key_and_kind_is_in_the_fixture_readme():
    text = README.read_text(encoding="utf-8").split("### Tie-breaks", 1)[1].split("\n## ", 1)[0]
    for spec in TIE_BREAKS.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{spec.key}` |")), None)
        assert row is not None, f"fixtures/README.md lacks a row for tie-break “{spec.key}”"
        assert all(f"`{kind}`" in row for kind in spec.kinds), row
    for kind in TieBreakKind.values:
        assert f"`{kind}`" in text


def test_tie_breaks_read_both_stored_forms_with_each_default_kind():
    assert tie_breaks_of(["member_mix", {"key": "matching_funds", "kind": "judged"}, "requested_amount_low"]) == [
        TieBreak("member_mix", "judged"), TieBreak("matching_funds", "judged"),
        TieBreak("requested_amount_low", "computed")]
    assert [t.computed for t in tie_breaks_of([{"key": "matching_funds", "kind": "judged"}, "matching_funds"])] == [
        False, True]


@pytest.mark.django_db
def test_tie_breaks_procedure_words_say_which_the_officer_judges():
    track = Track.objects.get(program__code="guangdong-2021-ip-cluster-centers", code="1")
    with translation.override("en"):
        label, value, _default = procedure_for(track).rows()[-1]
    assert (label, value) == ("With equal scores, preferred",
                              "a more complete mix of member types (judged by the officer), higher matching funds")
