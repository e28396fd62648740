"""CSV exports for the whole platform, safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return ahead of one) as a formula: a name typed into a sign-in form could become a live
``=HYPERLINK(...)`` in an admin's export (OWASP "CSV Injection"). Every text cell that starts so
gets a leading single quote, which spreadsheets show as text. Numbers (``int``, ``float``,
``Decimal``) are written as numbers, so a genuine ``-3`` stays a number: ``str()`` of a number
holds only digits, a sign, a point or an exponent, never a formula. Pass numbers as numbers;
a number already formatted as text is neutralized like any other text.

Every CSV a tool or the host offers goes through :func:`csv_response` (or :func:`csv_text`).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from flask import Response, stream_with_context

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def safe_cell(value: object) -> object:
    """``value`` as written to a CSV cell: numbers as they are, text with formulas neutralized."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The CSV text row by row (header first), to stream a large export."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    if header:
        writer.writerow(header)
        yield _drain(buffer)
    for row in rows:
        writer.writerow(row)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """The whole CSV as one string."""
    return "".join(csv_lines(header, rows))


def attachment_filename(stem: str, extension: str) -> str:
    """A download name safe in any header and on any disk: ASCII letters, digits, ``-``, ``_``."""
    safe = _UNSAFE_FILENAME_CHARS.sub("-", stem).strip("-")[:80] or "export"
    return f"{safe}.{extension}"


def csv_response(header: Sequence[str], rows: Iterable[Iterable[object]], filename_stem: str) -> Response:
    """A streamed ``text/csv`` download named ``<filename_stem>.csv`` (made safe); ``rows`` may
    be a lazy generator: the request (and its database session) lasts until the last row."""
    name = attachment_filename(filename_stem, "csv")
    return Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
