import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from organisations.uscc import ALPHABET, check_character, is_valid_uscc, normalise_uscc, validate_uscc

from .factories import make_uscc

VALID = ["91350100M000100Y43", "91110000802100433B", "91440300MA5G1LCH6A"]


def error_of(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    return info.value


def english(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


@pytest.mark.parametrize("code", VALID)
def test_validate_uscc_accepts_valid_codes(code):
    validate_uscc(code)
    assert is_valid_uscc(code)


def test_check_character_matches_published_codes():
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91110000802100433") == "B"


def test_check_character_maps_31_to_zero():
    # A sum divisible by 31 gives 31 - 0 = 31, which wraps to the character '0'.
    assert check_character("0" * 17) == "0"


def test_check_character_never_uses_forbidden_letters():
    codes = [make_uscc(n) for n in range(500)]
    assert {code[17] for code in codes} <= set(ALPHABET)
    assert all(is_valid_uscc(code) for code in codes)


def test_validate_uscc_wrong_check_character_names_position_18():
    # A code often quoted online, whose last character does not match its first seventeen.
    error = error_of("91440300MA5G1LCH6Y")
    assert error.code == "check"
    assert error.params == {"expected": "A", "actual": "Y"}
    assert "position 18" in english(error) and "'A'" in english(error) and "'Y'" in english(error)


@pytest.mark.parametrize("position", range(1, 18))
def test_validate_uscc_any_single_typo_is_caught(position):
    code = VALID[0]
    original = code[position - 1]
    replacement = "1" if original != "1" else "2"
    typo = code[: position - 1] + replacement + code[position:]
    assert error_of(typo).code == "check"


@pytest.mark.parametrize(
    ("value", "count"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("", 0)]
)
def test_validate_uscc_wrong_length_says_how_many(value, count):
    error = error_of(value)
    assert error.code == "length" and error.params == {"count": count}
    assert f"{count} characters" in english(error) and "18" in english(error)


@pytest.mark.parametrize(
    ("position", "char"), [(5, "I"), (9, "O"), (12, "Z"), (15, "S"), (17, "V"), (1, "a")]
)
def test_validate_uscc_forbidden_character_names_its_position(position, char):
    code = list(VALID[0])
    code[position - 1] = char
    error = error_of("".join(code))
    assert error.code == "charset" and error.params == {"position": position, "char": char}
    assert f"Character {position} ('{char}')" in english(error)


def test_validate_uscc_division_must_be_digits():
    error = error_of("91A50100M000100Y43")
    assert error.code == "division" and error.params["position"] == 3
    assert "Character 3" in english(error)


def test_normalise_uscc_uppercases_and_strips_spaces():
    assert normalise_uscc(" 9135 0100 m000 100y43 ") == "91350100M000100Y43"
    assert normalise_uscc(None) == ""
