"""A member's own shortlists and weight presets are theirs: the creator changes and deletes
them, and otherwise only a holder of ``manage_all`` (owners and admins hold it) does."""
from __future__ import annotations

from sdk import tool

from .errors import ForbiddenChange


def creator_id() -> int | None:
    """The id to stamp on a new shortlist or preset."""
    user = tool().current_user()
    return user.id if user else None


def may_change(record) -> bool:
    user = tool().current_user()
    if user is not None and record.created_by_id == user.id:
        return True
    return tool().can("manage_all", record)


def require_may_change(record, what: str) -> None:
    if not may_change(record):
        raise ForbiddenChange(f"this {what} belongs to the member who made it; ask them, or an "
                              "organization admin, to change or delete it")

