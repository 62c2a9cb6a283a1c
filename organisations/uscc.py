"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters: position 1 the registration authority, 2 the entity type, 3–8 the
administrative division (digits), 9–17 the organisation code, 18 a check character computed from
the first seventeen. The code never uses the letters I, O, Z, S or V.

Positions 1 and 2 are not checked against the authority and type tables: they have grown since
2015, and any single mistyped character is already caught by the check character.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
DIVISION = slice(2, 8)  # positions 3–8


def normalise_uscc(value: str) -> str:
    """Upper-case and drop every space, as people copy codes from licences with spaces in them."""
    return "".join((value or "").split()).upper()


def check_character(first17: str) -> str:
    """The check character (position 18) for the first seventeen characters of a code."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def validate_uscc(value: str) -> None:
    """Raise ValidationError naming the first wrong character; the value must already be normalised."""
    value = value or ""
    if len(value) != LENGTH:
        raise ValidationError(
            ngettext_lazy(
                "The code has %(count)d character; it needs 18.",
                "The code has %(count)d characters; it needs 18.",
                "count",
            ),
            code="length",
            params={"count": len(value)},
        )
    for position, char in enumerate(value, start=1):
        if char not in ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d ('%(char)s') is not allowed: the code uses digits and capital "
                    "letters except I, O, Z, S, V."
                ),
                code="charset",
                params={"position": position, "char": char},
            )
    for position, char in enumerate(value[DIVISION], start=DIVISION.start + 1):
        if not char.isdigit():
            raise ValidationError(
                _(
                    "Character %(position)d ('%(char)s') must be a digit: positions 3 to 8 hold the "
                    "administrative division code."
                ),
                code="division",
                params={"position": position, "char": char},
            )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character (position 18) should be '%(expected)s', not '%(actual)s'. "
                "Compare the code with the business licence: one of the characters may be mistyped."
            ),
            code="check",
            params={"expected": expected, "actual": value[17]},
        )


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True
