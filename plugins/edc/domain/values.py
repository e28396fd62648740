"""Checking one entered value against its ItemDef: type, length, digits, pattern, codes, ranges.

``check_value`` gives the value in its stored form (``ValueCheck.value``) and the problems found,
each worded for site staff. A hard problem refuses the value (a failed type, length, pattern or
code check, or a Hard range check); a soft problem is a warning the caller raises a query for
(a Soft range check: REDCap's min/max, or a required field left blank).

Stored forms: integers without sign or leading zeros (``+007`` -> ``7``); numbers as typed with
``.`` (``.5`` -> ``0.5``); dates ``YYYY-MM-DD``; partial dates ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD`` (``2024-UN-UN`` is read as ``2024``); datetimes ``YYYY-MM-DDTHH:MM:SS``; times
``HH:MM:SS``; booleans ``1`` or ``0``; checkbox values the ticked codes joined with ``,`` in the
code list's order. A null flavour (``NULL_FLAVOURS``: UNK, NA...) typed instead of a value gives
``value=None`` and ``null_flavour`` (a code list holding that code wins: it is then a code).
Range check bounds ``today`` and ``now`` (REDCap's) are read against ``now``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from . import dictionary_columns as dc
from .metadata import NULL_FLAVOURS, CodeList, ItemDef, RangeCheck

_UNKNOWN = ("UN", "UNK")
_EXAMPLES = {
    "integer": "must be a whole number, for example 42",
    "float": "must be a number, for example 72.5",
    "date": "must be a date as YYYY-MM-DD, for example 2024-03-15",
    "partialDate": "must be a date as YYYY-MM-DD, or YYYY-MM or YYYY when the day or month is "
                   "unknown, for example 2024-03",
    "datetime": "must be a date and time as YYYY-MM-DD HH:MM, for example 2024-03-15 14:30",
    "time": "must be a time as HH:MM (24-hour clock), for example 14:30",
    "boolean": "must be yes or no (1 or 0)",
}
_PATTERNS = {dc.EMAIL: "an e-mail address, for example name@example.org",
             dc.PHONE: "a phone number, for example 615-555-0100",
             dc.ZIPCODE: "a ZIP code, for example 37203", dc.ALPHA_ONLY: "letters only"}
_BOOLEANS = {"1": "1", "true": "1", "yes": "1", "y": "1", "0": "0", "false": "0", "no": "0", "n": "0"}
#: comparator -> words for a failure: (numbers and text, dates and times)
_FAILURES = {
    "LE": ("is above the {u}maximum", "is after the {u}latest"),
    "GE": ("is below the {u}minimum", "is before the {u}earliest"),
    "LT": ("is not below the {u}limit", "is not before the {u}limit"),
    "GT": ("is not above the {u}limit", "is not after the {u}limit"),
    "EQ": ("is not the {u}expected", "is not the {u}expected"),
    "NE": ("is the {u}excluded", "is the {u}excluded"),
    "IN": ("is not one of the {u}expected", "is not one of the {u}expected"),
    "NOTIN": ("is one of the {u}excluded", "is one of the {u}excluded"),
}


@dataclass(frozen=True)
class Problem:
    message: str
    #: True: the value is refused; False: a warning the caller raises a query for
    hard: bool
    #: what failed: type, length, digits, pattern, code, range, null or required
    kind: str
    range_check: RangeCheck | None = None


@dataclass(frozen=True)
class ValueCheck:
    value: str | None
    problems: tuple[Problem, ...] = ()
    null_flavour: str | None = None

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(p.message for p in self.problems if p.hard)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(p.message for p in self.problems if not p.hard)

    @property
    def ok(self) -> bool:
        """The value may be saved (warnings may remain)."""
        return not self.errors


class _Bad(ValueError):
    """A value of the wrong type (the message has no label yet)."""


def check_value(item: ItemDef, raw: str | None, codelist: CodeList | None = None, *,
                required: bool = False, null_flavours=tuple(NULL_FLAVOURS),
                now: datetime | None = None) -> ValueCheck:
    """Check ``raw`` as entered for ``item``; ``codelist`` is the item's (None: codes unchecked).

    ``required`` (the ItemRef's Mandatory) makes a blank a warning; ``null_flavours`` are the
    ones this form allows.
    """
    label, text = _label(item), (raw or "").strip()
    if not text or item.control == "descriptive":
        return ValueCheck(None, (Problem(f"{label} is required: enter it, or record why it is "
                                         "missing (for example UNK).", False, "required"),)
                          if required and item.control != "descriptive" else ())
    if text in NULL_FLAVOURS and not (codelist and text in codelist.codes):
        if text in null_flavours:
            return ValueCheck(None, null_flavour=text)
        return ValueCheck(None, (Problem(f"{label} cannot be recorded as {text} "
                                         f"({NULL_FLAVOURS[text]}) here: enter a value.",
                                         True, "null"),), null_flavour=text)
    if item.control == "checkbox":
        return _checkbox(label, text, codelist)
    if codelist is not None and text not in codelist.codes:
        return ValueCheck(None, (Problem(f"{label} must be one of the choices: "
                                         f"{_choices(codelist)}.", True, "code"),))
    try:
        value, comparable = _parse(item.data_type, text)
    except _Bad as bad:
        return ValueCheck(None, (Problem(f"{label} {bad}.", True, "type"),))
    problems = _size_problems(item, label, text, value)
    if not problems:
        now = now or datetime.now()
        problems += [p for rc in item.range_checks
                     if (p := _range_problem(item, label, text, comparable, rc, now))]
    hard = any(p.hard for p in problems)
    return ValueCheck(None if hard else value, tuple(problems))


def _label(item: ItemDef) -> str:
    text = " ".join(re.sub(r"<[^>]*>", " ", item.question.text).split())
    text = text if 0 < len(text) <= 60 else item.name
    return text[:1].upper() + text[1:]


def _choices(codelist: CodeList, limit: int = 12) -> str:
    shown = [f"{i.coded_value} ({i.decode.text})" if i.decode.text else i.coded_value
             for i in codelist.items[:limit]]
    return ", ".join(shown) + (", ..." if len(codelist.items) > limit else "")


def _checkbox(label: str, text: str, codelist: CodeList | None) -> ValueCheck:
    if codelist is None:
        return ValueCheck(None, (Problem(f"{label} has no choices defined.", True, "code"),))
    ticked = {code for code in re.split(r"[\s,;|]+", text) if code}
    unknown = sorted(ticked - set(codelist.codes))
    if unknown:
        return ValueCheck(None, (Problem(
            f"{label}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the "
            f"choices {_choices(codelist)}.", True, "code"),))
    return ValueCheck(",".join(code for code in codelist.codes if code in ticked))


def _parse(data_type: str, text: str):
    """(stored form, comparable) of ``text`` as ``data_type``; partial dates compare as a
    (earliest, latest) pair, everything else as (value, value)."""
    if data_type == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise _Bad(_EXAMPLES[data_type])
        return str(int(text)), _pair(Decimal(int(text)))
    if data_type == "float":
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
            raise _Bad(_EXAMPLES[data_type])
        number = Decimal(text)
        return format(number, "f"), _pair(number)
    if data_type == "date":
        return _date(text, data_type).isoformat(), _pair(_date(text, data_type))
    if data_type == "partialDate":
        return _partial(text)
    if data_type == "datetime":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", text):
            raise _Bad(_EXAMPLES[data_type])
        try:
            value = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise _Bad(f"{text} is not a real date and time (check the day, month and hour)") from None
        return value.isoformat(), _pair(value.replace(tzinfo=None))
    if data_type == "time":
        try:
            value = time.fromisoformat(text) if re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", text) else None
        except ValueError:
            value = None
        if value is None:
            raise _Bad(_EXAMPLES[data_type])
        return value.isoformat(), _pair(value)
    if data_type == "boolean":
        if text.lower() not in _BOOLEANS:
            raise _Bad(_EXAMPLES[data_type])
        return _BOOLEANS[text.lower()], _pair(_BOOLEANS[text.lower()])
    return text, _pair(text)


def _pair(value):
    return value, value


def _date(text: str, data_type: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _Bad(_EXAMPLES[data_type])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"{text} is not a real date (check the day and month)") from None


def _partial(text: str):
    parts = text.split("-")
    if len(parts) > 3 or not re.fullmatch(r"\d{4}", parts[0]):
        raise _Bad(_EXAMPLES["partialDate"])
    known = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        if part.upper() in _UNKNOWN:
            continue
        if len(known) != n or not re.fullmatch(r"\d{2}", part):
            raise _Bad(_EXAMPLES["partialDate"])  # a day after an unknown month, or not digits
        known.append(part)
    year = int(known[0])
    if len(known) == 3:
        day = _date("-".join(known), "partialDate")
        return day.isoformat(), (day, day)
    if len(known) == 2 and not 1 <= int(known[1]) <= 12:
        raise _Bad(f"{text} is not a real month (check the month)")
    first = date(year, int(known[1]) if len(known) == 2 else 1, 1)
    last = (date(year + 1, 1, 1) if len(known) == 1 or first.month == 12
            else date(year, first.month + 1, 1)) - timedelta(days=1)
    return "-".join(known), (first, last)


def _size_problems(item: ItemDef, label: str, text: str, value: str) -> list[Problem]:
    problems = []
    if item.data_type in ("integer", "float"):
        digits = sum(ch.isdigit() for ch in value)
        if item.length and digits > item.length:
            problems.append(Problem(f"{label} {text} has {digits} digits; at most {item.length} "
                                    "are allowed.", True, "length"))
        places = len(value.partition(".")[2])
        if item.data_type == "float" and item.significant_digits is not None \
                and places > item.significant_digits:
            problems.append(Problem(f"{label} {text} has {places} digits after the decimal point; "
                                    f"at most {item.significant_digits} are allowed.", True, "digits"))
    elif item.data_type == "text":
        if item.length and len(value) > item.length:
            problems.append(Problem(f"{label} is {len(value)} characters long; at most "
                                    f"{item.length} are allowed.", True, "length"))
        if item.pattern and not re.fullmatch(item.pattern, value):
            wanted = _PATTERNS.get(item.pattern, "in the expected format")
            problems.append(Problem(f"{label} '{text}' is not {wanted}.", True, "pattern"))
    return problems


def _range_problem(item: ItemDef, label: str, text: str, value, check: RangeCheck,
                   now: datetime) -> Problem | None:
    bounds = []
    for bound in check.values:
        try:
            bounds.append((_resolve(bound, item.data_type, now), bound))
        except _Bad:
            return None  # a bound that is not of the item's type: a metadata problem, not the site's
    if not bounds or check.comparator not in _FAILURES:
        return None
    low, high = value
    first = bounds[0][0]
    failed = {
        "LT": lambda: low >= first[0], "LE": lambda: low > first[1],
        "GT": lambda: high <= first[1], "GE": lambda: high < first[0],
        "EQ": lambda: not low <= first[0] <= high, "NE": lambda: low == high == first[0],
        "IN": lambda: not any(low <= b[0][0] <= high for b in bounds),
        "NOTIN": lambda: any(low == high == b[0][0] for b in bounds),
    }[check.comparator]()
    if not failed:
        return None
    if check.message.text:
        return Problem(check.message.text, check.soft_hard == "Hard", "range", check)
    soft = check.soft_hard != "Hard"
    dated = item.data_type in _DATED
    words = _FAILURES[check.comparator][dated].format(u="usual " if soft else "")
    shown = ", ".join(_shown(b, item.data_type, now) for _, b in bounds)
    ending = ": check it or explain it." if soft else ": correct it."
    return Problem(f"{label} {text} {words} {shown}{ending}", not soft, "range", check)


_DATED = ("date", "partialDate", "datetime", "time")


def _resolve(bound: str, data_type: str, now: datetime):
    if bound in ("today", "now") and data_type in _DATED:
        bound = _resolve_text(data_type, now)
    return _parse(data_type, bound)[1]


def _shown(bound: str, data_type: str, now: datetime) -> str:
    if bound in ("today", "now") and data_type in _DATED:
        return f"{bound} ({_resolve_text(data_type, now)})"
    return bound


def _resolve_text(data_type: str, now: datetime) -> str:
    if data_type in ("date", "partialDate"):
        return now.date().isoformat()
    if data_type == "time":
        return now.time().replace(microsecond=0).isoformat()
    return now.replace(microsecond=0).isoformat()
