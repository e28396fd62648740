"""Numbers typed into forms or sent to an API, checked against what the database and the domain hold.

An integer beyond the column's range fails in the database driver (a 500), and a float such as
``1e308`` overflows the sums made from it; so every number a person or a client sends goes
through :func:`whole_number` or :func:`finite_number`, and a number out of range is refused
with its field named (a 422), like any other invalid input. Both raise :class:`NumberError`, a
``ValueError``: WTForms validators may raise it as it is; a marshmallow field uses
``validate.Range`` with these bounds.
"""
from __future__ import annotations

import math
import re

#: An ``Integer`` column on PostgreSQL (SQLite's integers are 64-bit).
INT32_MAX = 2**31 - 1
#: A ``BigInteger`` column.
INT64_MAX = 2**63 - 1
#: The largest row id a URL, form or request may name: ids are ``Integer`` columns (host and
#: tools alike), and PostgreSQL refuses a larger value even in a comparison.
ROW_ID_MAX = INT32_MAX
DIGITS = re.compile(r"[+-]?\d+")


class NumberError(ValueError):
    """A number that is not one, or out of its bounds; the message names the field."""


def _out_of_range(label: str, number, minimum, maximum, spec: str) -> NumberError:
    if number > maximum:
        return NumberError(f"{label} must be at most {maximum:{spec}}")
    if minimum == 0:
        return NumberError(f"{label} cannot be negative")
    if minimum == 1:
        return NumberError(f"{label} must be positive")
    return NumberError(f"{label} must be at least {minimum:{spec}}")


def whole_number(value, label: str, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """``value`` (text, int or an integral float) as an int within ``[minimum, maximum]``."""
    if isinstance(value, bool):
        raise NumberError(f"{label} must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise NumberError(f"{label} must be a whole number")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        try:
            number = int(text)
        except ValueError:
            if not DIGITS.fullmatch(text):
                raise NumberError(f"{label} must be a whole number") from None
            # more digits than Python converts: out of range all the same
            number = minimum - 1 if text.startswith("-") else maximum + 1
    if not minimum <= number <= maximum:
        raise _out_of_range(label, number, minimum, maximum, ",")
    return number


def finite_number(value, label: str, *, minimum: float, maximum: float) -> float:
    """``value`` (text or a number) as a finite float within ``[minimum, maximum]``."""
    if isinstance(value, bool):
        raise NumberError(f"{label} must be a number")
    try:
        number = float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    except OverflowError:  # an int beyond any float
        number = math.inf
    except ValueError:
        raise NumberError(f"{label} must be a number") from None
    if math.isnan(number) or (math.isinf(number) and not isinstance(value, int)):
        raise NumberError(f"{label} must be a number")
    if not minimum <= number <= maximum:
        raise _out_of_range(label, number, minimum, maximum, "g")
    return number


def row_id(value) -> int | None:
    """``value`` as a row id (1 to :data:`ROW_ID_MAX`), or None when it cannot name a row."""
    try:
        return whole_number(value, "id", minimum=1, maximum=ROW_ID_MAX)
    except NumberError:
        return None
