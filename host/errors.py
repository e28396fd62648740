"""Errors as pages in the layout, or as JSON with a message under ``/api/``; never a bare 500."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from sdk.api_docs import problems_of
from sdk.files import FileCorrupted
from sdk.forms import InputProblems

from .db import get_db
from .orgctx import wants_json
from .request_limits import too_large_message
from .sharing.coverage import NotLicensedHere

log = logging.getLogger(__name__)


def _respond(code: int, name: str, message: str, problems: InputProblems | None = None):
    if wants_json():
        if code == 422:  # one shape for every refused input, host and tools alike
            return jsonify((problems or InputProblems([(None, message)])).as_json()), code
        return jsonify(error=name.lower().replace(" ", "_"), message=message), code
    return render_template("errors/error.html", code=code, name=name, message=message), code


def _input_problems(exc: HTTPException) -> InputProblems | None:
    """What was wrong with the input: ``sdk.api_docs.InvalidInput``'s problems, or the messages
    webargs attaches to the 422 of a tool's flask-smorest ``arguments``."""
    found = getattr(exc, "input_problems", None)
    data = getattr(exc, "data", None)
    if found is None and isinstance(data, dict) and isinstance(data.get("messages"), dict):
        found = problems_of(data["messages"], by_location=True)
    return found


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _respond(400, "Bad Request", "The form expired or was not sent from this site. "
                                            "Reload the page and try again.")

    @app.errorhandler(NotLicensedHere)
    def not_licensed_here(exc):
        get_db().session.rollback()
        return _respond(402, "Payment Required", str(exc))

    @app.errorhandler(FileCorrupted)
    def file_corrupted(exc: FileCorrupted):
        """The server's own stored data is damaged: 500, with the message saying so."""
        org = g.get("org")
        log.error("stored file corrupted: org %s (id %s), key %s, on %s %s", org.slug if org else "-",
                  exc.org_id, exc.key, request.method, request.path)
        get_db().session.rollback()
        return _respond(500, "File Corrupted", str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 401 and not wants_json():
            return redirect(url_for("auth.login", next=request.full_path))
        message = exc.description or exc.name
        if exc.code == 401:
            message = "Authentication required: send 'Authorization: Bearer <token>'."
        elif exc.code == 413:
            message = too_large_message()
        return _respond(exc.code or 500, exc.name, message, _input_problems(exc))

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        get_db().session.rollback()
        return _respond(500, InternalServerError().name,
                        "Something went wrong on our side; nothing was saved. Try again.")
