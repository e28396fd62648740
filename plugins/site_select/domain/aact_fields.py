"""Reading AACT flat files: pipe-delimited tables with a header row, and their field values.

A problem with a whole file (missing, or missing a required column) raises ValueError: the
import cannot go on. A problem with one row raises ``RowError``, which the importer turns
into a rejected row and moves on.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TextIO

from sdk.numbers import INT32_MAX


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


def open_files(files: Mapping[str, TextIO | str]) -> dict[str, TextIO]:
    """File name (without folders) -> text stream; text given as a string is wrapped."""
    opened = {}
    for name, content in files.items():
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        opened[base] = io.StringIO(content) if isinstance(content, str) else content
    return opened


def read_header(name: str, reader: Iterator[list[str]], required: Sequence[str]) -> list[str]:
    """The header row's column names (lower case); ValueError when it is absent or lacks one."""
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise ValueError(f"{name} is empty (expected a header row)") from None
    missing = [column for column in required if column not in header]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")
    return header


def read_rows(
    name: str, stream: TextIO, required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, row as dict) per data row; a malformed row yields (line, reason) instead.

    Line numbers are 1-based and count the header, as an editor shows them.
    """
    reader = csv.reader(stream, delimiter="|")
    header = read_header(name, reader, required)
    for fields in reader:
        if not fields or all(not field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            yield reader.line_num, f"expected {len(header)} fields, found {len(fields)}"
            continue
        yield reader.line_num, {column: value.strip() for column, value in zip(header, fields)}


def text(row: Mapping[str, str], column: str, *, required: bool = False) -> str | None:
    value = row.get(column) or None
    if value is None and required:
        raise RowError(f"{column} is empty")
    return value


def parse_date(row: Mapping[str, str], column: str) -> date | None:
    """ISO dates; AACT's month-only dates ("2015-03") mean the first of the month."""
    value = row.get(column)
    if not value:
        return None
    try:
        if len(value) == 7:
            return date.fromisoformat(f"{value}-01")
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RowError(f"{column} {value!r} is not a date (expected YYYY-MM-DD)") from None


def parse_count(row: Mapping[str, str], column: str) -> int | None:
    """A count, at most what an ``Integer`` column holds."""
    value = row.get(column)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{column} {value[:40]!r} is not a whole number") from None
    if number < 0:
        raise RowError(f"{column} must not be negative, got {number}")
    if number > INT32_MAX:
        raise RowError(f"{column} must be at most {INT32_MAX:,}")
    return number


def parse_number(
    row: Mapping[str, str], column: str, *, low: float | None = None, high: float | None = None
) -> float | None:
    value = row.get(column)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a number") from None
    if (
        not math.isfinite(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise RowError(f"{column} {value!r} is out of range")
    return number
