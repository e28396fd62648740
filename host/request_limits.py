"""How large a request may be: ``MAX_CONTENT_LENGTH`` for the whole platform, or the limit a
tool's view declares with :func:`sdk.views.upload_limit`; a larger request answers 413.

Werkzeug refuses a body whose declared length is over the limit before reading it, and stops a
streamed one at the limit; uploads are spooled to disk past 500 KB, so no request is held in
memory beyond its limit.
"""
from __future__ import annotations

from flask import Flask, current_app, request

from sdk.views import declared_upload_limit


def _apply_declared_upload_limit() -> None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = declared_upload_limit(view) if view is not None else None
    if limit is not None:
        request.max_content_length = limit


def too_large_message() -> str:
    """What a 413 tells the person or program, with the limit that applied."""
    limit = request.max_content_length
    if not limit:
        return "The request is too large."
    return f"The request is too large: at most {_readable(limit)} can be sent here. Nothing was saved."


def _readable(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def init_request_limits(app: Flask) -> None:
    # First in line: the CSRF check (host/auth) reads the form, and with it the whole body.
    app.before_request_funcs.setdefault(None, []).insert(0, _apply_declared_upload_limit)
