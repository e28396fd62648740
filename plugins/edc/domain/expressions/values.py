"""How REDCap treats values: blanks, number-like text, truth, comparison and dates.

Values reach expressions as stored: text (``""`` or ``None`` is blank), or numbers and booleans
produced by other parts of an expression. The rules, after REDCap:

* a blank in arithmetic makes the result blank (``None``); text that is not a number does too;
* ``[x] = ""`` tests blank, ``[x] <> ""`` tests filled; a blank is equal only to a blank and
  never less or greater than anything;
* two number-like operands compare as numbers (``"1.0" = 1``), anything else as text;
* truth: blank is false; numbers and number-like text are true when not zero; other text is
  true when not empty.
"""
from __future__ import annotations

import math
import operator
import re
from datetime import date, datetime, time

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
#: ISO date with an optional time (what edc stores), and the other orders datediff accepts.
_DATE_FORMATS = {
    "ymd": re.compile(r"(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})"),
    "mdy": re.compile(r"(?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})[-/](?P<y>[0-9]{4})"),
    "dmy": re.compile(r"(?P<d>[0-9]{1,2})[-/](?P<m>[0-9]{1,2})[-/](?P<y>[0-9]{4})"),
}
_TIME = re.compile(r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(:(?P<S>[0-9]{2}))?")
DATE_FORMATS = tuple(_DATE_FORMATS)

_COMPARE = {"=": operator.eq, "==": operator.eq, "<>": operator.ne, "!=": operator.ne,
            "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_number(value: object) -> int | float | None:
    """The number a value stands for, or ``None`` when blank or not a number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text):
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def finite(value: float | int | None) -> float | int | None:
    """``None`` for results that are not finite numbers (REDCap shows them blank)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def truthy(value: object) -> bool:
    if is_blank(value):
        return False
    number = as_number(value)
    if number is not None:
        return number != 0
    return bool(value)


def as_text(value: object) -> str:
    """Text for string functions and text comparison (blank is ``""``, ``True`` is ``"1"``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compare(op: str, left: object, right: object) -> bool:
    """REDCap comparison of two values with one of ``= == <> != < > <= >=``."""
    left_blank, right_blank = is_blank(left), is_blank(right)
    if left_blank or right_blank:
        equal = left_blank and right_blank
        if op in ("=", "=="):
            return equal
        if op in ("<>", "!="):
            return not equal
        return False
    a, b = as_number(left), as_number(right)
    if a is None or b is None:
        a, b = as_text(left), as_text(right)
    return _COMPARE[op](a, b)


def parse_datetime(value: object, date_format: str = "ymd", *,
                   today: date | datetime | None = None) -> datetime | None:
    """A date or date-time value as a ``datetime``; ``None`` when blank or not a date.

    Stored values are ISO (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM[:SS]``) and are read whatever
    ``date_format`` says; ``"mdy"``/``"dmy"`` text is read when it is not ISO. ``"today"`` is
    ``today`` (default: the current date) at midnight, ``"now"`` the current date-time. A bare
    time (``HH:MM``) is taken on a fixed day, so differences between two times work.
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.lower() in ("today", "now"):
        current = today if today is not None else datetime.now()
        if isinstance(current, datetime):
            return current if text.lower() == "now" else datetime.combine(current.date(), time())
        return datetime.combine(current, time())
    only_time = _TIME.fullmatch(text)
    if only_time:
        return _at(datetime(2000, 1, 1), only_time)
    day_part, _, time_part = text.replace("T", " ").partition(" ")
    for fmt in dict.fromkeys(("ymd", date_format)):
        pattern = _DATE_FORMATS.get(fmt)
        match = pattern.fullmatch(day_part) if pattern else None
        if match:
            try:
                day = datetime(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
            if not time_part.strip():
                return day
            clock = _TIME.fullmatch(time_part.strip())
            return _at(day, clock) if clock else None
    return None


def _at(day: datetime, clock: re.Match) -> datetime | None:
    try:
        return day.replace(hour=int(clock["H"]), minute=int(clock["M"]), second=int(clock["S"] or 0))
    except ValueError:
        return None
