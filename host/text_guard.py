"""A NUL character in any text a request carries is refused (400) before a view runs.

No field of the platform takes one, and PostgreSQL cannot hold one: a NUL in a search filter,
a form field or a JSON string would otherwise fail in the database driver, a 500, wherever the
text is queried or stored. Checked: the path, the query string, the form's fields (not uploaded
files, which may be binary) and every key and string of a JSON body.
"""
from __future__ import annotations

from flask import Flask, abort, request

NUL = "\x00"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MESSAGE = "The request contains a NUL character (\\u0000), which no text field accepts."


def _json_texts(value):
    """Every key and string in a parsed JSON document, without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from (key for key in item if isinstance(key, str))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _fields_carry_nul(fields) -> bool:
    return any(_has_nul(key) or any(_has_nul(value) for value in values) for key, values in fields.lists())


def _has_nul(text) -> bool:
    """Only text can carry NUL (a test client's form may hold None for a key or a value)."""
    return isinstance(text, str) and NUL in text


def _carries_nul() -> bool:
    if NUL in request.path or _fields_carry_nul(request.args):
        return True
    if request.method in WRITE_METHODS and _fields_carry_nul(request.form):
        return True
    return request.is_json and any(NUL in text for text in _json_texts(request.get_json(silent=True)))


def refuse_nul_characters() -> None:
    if _carries_nul():
        abort(400, MESSAGE)


def init_text_guard(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
