"""Errors as pages in the layout, or as JSON with a message under ``/api/``; never a bare 500."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .db import get_db
from .orgctx import wants_json
from .request_limits import too_large_message
from .sharing.coverage import NotLicensedHere

log = logging.getLogger(__name__)


def _respond(code: int, name: str, message: str):
    if wants_json():
        return jsonify(error=name.lower().replace(" ", "_"), message=message), code
    return render_template("errors/error.html", code=code, name=name, message=message), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _respond(400, "Bad Request", "The form expired or was not sent from this site. "
                                            "Reload the page and try again.")

    @app.errorhandler(NotLicensedHere)
    def not_licensed_here(exc):
        get_db().session.rollback()
        return _respond(402, "Payment Required", str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 401 and not wants_json():
            return redirect(url_for("auth.login", next=request.full_path))
        message = exc.description or exc.name
        if exc.code == 401:
            message = "Authentication required: send 'Authorization: Bearer <token>'."
        elif exc.code == 413:
            message = too_large_message()
        return _respond(exc.code or 500, exc.name, message)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        get_db().session.rollback()
        return _respond(500, InternalServerError().name,
                        "Something went wrong on our side; nothing was saved. Try again.")
