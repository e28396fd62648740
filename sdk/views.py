"""What a tool's views and hooks hand to the host: permission marks, navigation, widgets."""
from __future__ import annotations

from dataclasses import dataclass

PERMISSION_ATTR = "_trialoffice_permission"


def requires_permission(permission: str):
    """Mark a view as needing one of the tool's permissions; the host checks it (403 otherwise)."""

    def mark(view):
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return mark


def required_permission(view) -> str | None:
    return getattr(view, PERMISSION_ATTR, None)


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
