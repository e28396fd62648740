"""``<int:...>`` in every URL rule (host and tools) matches only ids a database column can hold.

Werkzeug's converter accepts any number of digits; an id beyond the id column's range then fails
in the database driver (a 500: beyond 64 bits on SQLite, beyond 32 on PostgreSQL, where ids are
``Integer`` columns). Installed for the name ``int`` before any blueprint is registered,
this one makes such a URL match no rule: a 404, like any id that names no row. A rule over a
``BigInteger`` column says so: ``<int(max=9223372036854775807):id>``.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from sdk.numbers import INT64_MAX, ROW_ID_MAX


class RowIdConverter(IntegerConverter):
    """``int`` bounded to :data:`~sdk.numbers.ROW_ID_MAX`, or to the rule's own ``max`` up to
    a signed 64-bit integer."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.max = ROW_ID_MAX if self.max is None else min(self.max, INT64_MAX)
        if self.signed:
            self.min = -self.max - 1 if self.min is None else max(self.min, -INT64_MAX - 1)


def init_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
