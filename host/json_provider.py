"""JSON bodies nested too deeply for the parser answer 400, like any other malformed JSON.

Python's ``json`` raises ``RecursionError`` (not ``ValueError``) on a body such as
``[[[[...]]]]`` a hundred thousand levels deep, and Flask turns only ``ValueError`` into a
400 Bad Request; without this, such a body would be a 500.
"""
from __future__ import annotations

from flask.json.provider import DefaultJSONProvider


class BoundedJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON document is nested too deeply") from None
