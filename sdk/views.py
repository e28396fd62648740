"""What a tool's views and hooks hand to the host: permission and upload-limit marks, navigation,
widgets."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

PERMISSION_ATTR = "_trialoffice_permission"
UPLOAD_LIMIT_ATTR = "_trialoffice_upload_limit"
FRAMEABLE_ATTR = "_trialoffice_frameable"


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


def frameable_by_own_pages(view):
    """Mark a view whose answer the app's own pages may show in a frame (a PDF preview inside
    the document's page): the host then sends ``frame-ancestors 'self'`` and ``X-Frame-Options:
    SAMEORIGIN`` for it instead of forbidding every frame. Other sites still cannot frame it."""
    setattr(view, FRAMEABLE_ATTR, True)
    return view


def is_frameable(view) -> bool:
    return bool(getattr(view, FRAMEABLE_ATTR, False))


def declared_upload_limit(view) -> int | None:
    return getattr(view, UPLOAD_LIMIT_ATTR, None)


@dataclass(frozen=True)
class NavItem:
    """A link in the organization's navigation; ``endpoint`` is resolved with ``url_for``.

    ``icon`` names an icon of the platform's set (:data:`sdk.icons.ICON_NAMES`); left empty, the
    tool's manifest icon is shown."""

    label: str
    endpoint: str
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A panel on the organization home page, rendered by the host from one of the tool's templates.

    ``template`` names a template in the tool's own folder (``"<key>/..."``, ending in ``.html``);
    the host renders it with autoescape, with ``context`` and the page's globals (``url_for``,
    ``current_org``, the kit's macros). If the template fails to render, the panel says the tool
    is unavailable and the failure is counted as the tool's; the page stays up::

        Widget("Site selection", template="site_select/_widget.html", context={"sites": 12}, order=50)

    ``html`` (the second argument) is API level 1 only and deprecated: it is shown as plain text,
    its tags removed, never as markup. A level-2 tool that passes ``html`` fails like a widget
    whose template fails.
    """

    title: str
    html: str | None = None
    order: int = 100
    _: KW_ONLY
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if (self.template is None) == (self.html is None):
            raise ValueError("a Widget names its template (or, at API level 1 only, its html), not both or neither")
        if self.template is not None and not (isinstance(self.template, str) and self.template.endswith(".html")):
            raise ValueError(f"a widget's template is an .html file of the tool's folder, not {self.template!r}")
        if not isinstance(self.context, Mapping):
            raise ValueError("a widget's context is a mapping of names to values")
