"""Reading rule parameters and formatting figures for reasons."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db import models

from .reasons import Label


class ParamError(Exception):
    """A rule parameter is missing or unreadable: a fault of the guide data, not of the applicant."""

    def __init__(self, param: str):
        self.param = param
        super().__init__(param)


def decimal(params: dict, key: str) -> Decimal:
    try:
        value = Decimal(str(params[key]))
    except (KeyError, InvalidOperation, ValueError):
        raise ParamError(key) from None
    if not value.is_finite() or value < 0:
        raise ParamError(key)
    return value


def whole(params: dict, key: str, *, minimum: int = 0) -> int:
    value = params.get(key)
    if isinstance(value, bool):
        raise ParamError(key)
    try:
        number = int(str(value))
    except ValueError:
        raise ParamError(key) from None
    if number < minimum:
        raise ParamError(key)
    return number


def optional_whole(params: dict, key: str, *, minimum: int = 0) -> int | None:
    return None if params.get(key) in (None, "") else whole(params, key, minimum=minimum)


def optional_date(params: dict, key: str) -> dt.date | None:
    value = params.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParamError(key) from None


def str_list(params: dict, key: str) -> list[str]:
    value = params.get(key)
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not value:
        raise ParamError(key)
    return [str(v) for v in value]


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def number(value: Decimal) -> str:
    """3 → "3", 3.50 → "3.5", 300 → "300"."""
    return f"{value.normalize():f}"


def percent(value: Decimal, threshold: Decimal) -> str:
    """A percentage to one decimal place (more if the threshold has more), rounded down.

    Rounding down keeps the shown figure on the same side of the threshold as the true one:
    2.96 % against 3 % shows as 2.9 %, never as a failing 3.0 %.
    """
    places = max(1, -min(threshold.normalize().as_tuple().exponent, 0))
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR):f}"


def year_span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def label(choices: type[models.TextChoices], value: str) -> Label:
    return Label(choices.__name__, value)


