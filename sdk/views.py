"""What a tool's views and hooks hand to the host: permission and upload-limit marks, navigation,
widgets."""
from __future__ import annotations

from dataclasses import dataclass

PERMISSION_ATTR = "_trialoffice_permission"
UPLOAD_LIMIT_ATTR = "_trialoffice_upload_limit"


def requires_permission(permission: str):
    """Mark a view as needing one of the tool's permissions; the host checks it (403 otherwise)."""

    def mark(view):
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return mark


def required_permission(view) -> str | None:
    return getattr(view, PERMISSION_ATTR, None)


def upload_limit(max_bytes: int):
    """Mark a view as taking request bodies of up to ``max_bytes`` (files and fields together)
    instead of the platform's ``MAX_CONTENT_LENGTH``; a larger request answers 413.

    The host applies the mark before anything reads the body (the CSRF check reads the form), so
    a view cannot do it itself by setting ``request.max_content_length``.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"upload_limit needs a whole number of bytes (1 or more), not {max_bytes!r}")

    def mark(view):
        setattr(view, UPLOAD_LIMIT_ATTR, max_bytes)
        return view

    return mark


def declared_upload_limit(view) -> int | None:
    return getattr(view, UPLOAD_LIMIT_ATTR, None)


@dataclass(frozen=True)
class NavItem:
    """A link in the organization's navigation; ``endpoint`` is resolved with ``url_for``."""

    label: str
    endpoint: str
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A panel on the organization home page. ``html`` is trusted markup from the tool."""

    title: str
    html: str
    order: int = 100
