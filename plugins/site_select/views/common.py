"""Helpers shared by the page modules: committing a change, refusing an action, loading by id."""
from __future__ import annotations

from flask import abort, flash

from sdk import tool

from ..services import SiteSelectError

INVALID = 422


def flash_refusal(error: SiteSelectError) -> None:
    """Roll back whatever the failed action began and tell the user why."""
    tool().db_session().rollback()
    flash(str(error), "error")


def commit() -> None:
    tool().db_session().commit()


def found(value):
    """The record, or 404 (also for another organization's ids: tenant scoping hides them)."""
    if value is None:
        abort(404)
    return value
