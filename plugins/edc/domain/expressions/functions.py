"""The functions expressions may call: REDCap's, with its handling of blanks.

Each function receives the evaluation context and its evaluated arguments (``if`` receives
zero-argument callables instead, so only the chosen branch is evaluated). Aggregates (``sum``,
``mean``, ``min``, ``max``, ``median``, ``stdev``) skip blank and non-numeric arguments and are
blank when nothing is left; other numeric functions are blank when an argument is.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

from .values import DATE_FORMATS, as_number, as_text, finite, is_blank, parse_datetime, truthy

#: datediff units, in seconds (REDCap: a year is 365.2425 days, a month 30.44 days).
DATEDIFF_UNITS = {"y": 365.2425 * 86400, "M": 30.44 * 86400, "d": 86400.0, "h": 3600.0,
                  "m": 60.0, "s": 1.0}


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: any number
    call: Callable[[Any, list], Any]
    #: receives argument thunks rather than values
    lazy: bool = False
    #: literal string arguments checked when parsing: argument index -> allowed values
    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def arity(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def _rounding(mode: str) -> Callable:
    def rounded(ctx, args):
        number = as_number(args[0])
        places = as_number(args[1]) if len(args) > 1 else 0
        if number is None or places is None:
            return None
        places = max(min(int(places), 15), -15)
        try:
            result = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=mode)
        except InvalidOperation:  # too large to have that many places: already "rounded"
            return number
        return int(result) if places <= 0 else float(result)
    return rounded


def _unary(fn: Callable[[float], float]) -> Callable:
    def apply(ctx, args):
        number = as_number(args[0])
        if number is None:
            return None
        try:
            return finite(fn(number))
        except (ValueError, OverflowError):
            return None
    return apply


def _aggregate(fn: Callable[[list], Any], least: int = 1) -> Callable:
    def apply(ctx, args):
        numbers = [n for n in map(as_number, args) if n is not None]
        if len(numbers) < least:
            return None
        try:
            return finite(fn(numbers))
        except OverflowError:
            return None
    return apply


def _sqrt(number):
    return math.sqrt(number) if number >= 0 else math.nan


def _flag(value) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return truthy(value)


def _datediff(ctx, args):
    """``datediff(d1, d2, units[, dateformat][, signed])``: d2 - d1 in units, absolute unless signed."""
    units = as_text(args[2]).strip()
    rest = list(args[3:])
    date_format = "ymd"
    if rest and isinstance(rest[0], str) and rest[0].strip().lower() in DATE_FORMATS:
        date_format = rest.pop(0).strip().lower()
    signed = _flag(rest[0]) if rest else False
    if units not in DATEDIFF_UNITS:
        return None
    start = parse_datetime(args[0], date_format, today=ctx.today)
    end = parse_datetime(args[1], date_format, today=ctx.today)
    if start is None or end is None:
        return None
    difference = (end - start).total_seconds() / DATEDIFF_UNITS[units]
    if not signed:
        difference = abs(difference)
    return int(difference) if difference.is_integer() else difference


def _if(ctx, thunks):
    return thunks[1]() if truthy(thunks[0]()) else thunks[2]()


def _isinteger(ctx, args):
    number = as_number(args[0])
    return number is not None and float(number).is_integer()


def _isblankormissingcode(ctx, args):
    value = args[0]
    return is_blank(value) or as_text(value).strip() in ctx.missing_codes


def _text_test(test: Callable[[str, str], bool]) -> Callable:
    """REDCap's string tests are case-insensitive; a blank is the empty text."""
    def apply(ctx, args):
        return test(as_text(args[0]).lower(), as_text(args[1]).lower())
    return apply


_FUNCTIONS = [
    Function("round", 1, 2, _rounding(ROUND_HALF_UP)),
    Function("roundup", 1, 2, _rounding(ROUND_CEILING)),
    Function("rounddown", 1, 2, _rounding(ROUND_FLOOR)),
    Function("sqrt", 1, 1, _unary(_sqrt)),
    Function("abs", 1, 1, _unary(abs)),
    Function("exponential", 1, 1, _unary(math.exp)),
    Function("min", 1, None, _aggregate(min)),
    Function("max", 1, None, _aggregate(max)),
    Function("sum", 1, None, _aggregate(sum)),
    Function("mean", 1, None, _aggregate(statistics.fmean)),
    Function("median", 1, None, _aggregate(statistics.median)),
    Function("stdev", 1, None, _aggregate(statistics.stdev, least=2)),
    Function("datediff", 3, 5, _datediff, choices={2: tuple(DATEDIFF_UNITS)}),
    Function("if", 3, 3, _if, lazy=True),
    Function("isnumber", 1, 1, lambda ctx, args: as_number(args[0]) is not None),
    Function("isinteger", 1, 1, _isinteger),
    Function("isblankormissingcode", 1, 1, _isblankormissingcode),
    Function("contains", 2, 2, _text_test(lambda text, part: part in text)),
    Function("not_contain", 2, 2, _text_test(lambda text, part: part not in text)),
    Function("starts_with", 2, 2, _text_test(str.startswith)),
    Function("ends_with", 2, 2, _text_test(str.endswith)),
]

#: Function name (lower case; names are matched case-insensitively) -> definition.
FUNCTIONS: dict[str, Function] = {fn.name: fn for fn in _FUNCTIONS}
