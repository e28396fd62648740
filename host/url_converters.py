"""``<int:...>`` in every URL rule (host and tools) matches only ids a database column can hold.

Werkzeug's converter accepts any number of digits; an id beyond the id column's range then fails
in the database driver (a 500: beyond 64 bits on SQLite, beyond 32 on PostgreSQL, where ids are
``Integer`` columns). Installed for the name ``int`` before any blueprint is registered, this one
matches such an id and answers 404 before any view runs, as for any id that names no row.
(Refusing to match would make werkzeug answer 405 where another rule of the same path takes
another method.) A rule over a ``BigInteger`` column says so: ``<int(max=9223372036854775807):id>``.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, ValidationError

from sdk.numbers import INT64_MAX, ROW_ID_MAX


class IdBeyondRange(int):
    """An id no column can hold (it is 0 to anything that reads it): the request answers 404."""


class RowIdConverter(IntegerConverter):
    """``int`` bounded to :data:`~sdk.numbers.ROW_ID_MAX`, or to the rule's own ``max`` up to
    a signed 64-bit integer."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.max = ROW_ID_MAX if self.max is None else min(self.max, INT64_MAX)
        if self.signed:
            self.min = -self.max - 1 if self.min is None else max(self.min, -INT64_MAX - 1)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            return IdBeyondRange(0)


def _refuse_ids_beyond_range():
    if any(isinstance(value, IdBeyondRange) for value in (request.view_args or {}).values()):
        abort(404)


def init_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_ids_beyond_range)
