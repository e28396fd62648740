"""Helpers shared by the page modules: committing a change, refusing bad input, loading by id."""
from __future__ import annotations

from flask import abort, flash, render_template

from sdk import tool

from ..services import SiteSelectError

INVALID = 422


def flash_refusal(error: SiteSelectError) -> None:
    """Roll back whatever the failed action began and tell the user why."""
    tool().db_session().rollback()
    flash(str(error), "error")


def refuse(error: SiteSelectError, template: str, **context):
    """Roll back, flash the reason and show the form again (422, or 403 for a lack of right):
    nothing was saved."""
    flash_refusal(error)
    return render_template(template, **context), getattr(error, "status", INVALID)


def commit() -> None:
    tool().db_session().commit()


def found(value):
    """The record, or 404 (also for another organization's ids: tenant scoping hides them)."""
    if value is None:
        abort(404)
    return value
