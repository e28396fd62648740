"""The icons a manifest (and a navigation item) may name: a subset of Lucide (ISC licence), served
by the host from ``host/static/icons/``. Browse them at https://lucide.dev/icons/ under these names.

A manifest's ``icon`` is one of these names, or a path on this site (``/static/...``: the content
security policy loads images from this site only), or empty (the tool's initial is shown).
"""
from __future__ import annotations

ICON_NAMES = frozenset({
    "activity", "bell", "book-open", "box", "brain", "briefcase", "building-2", "calendar",
    "calendar-check", "chart-bar", "chart-line", "chart-pie", "clipboard-check", "clipboard-list",
    "clipboard-pen", "clock", "credit-card", "database", "dna", "download", "file-check",
    "file-signature", "file-text", "flask-conical", "folder", "folder-open", "globe", "heart-pulse",
    "hospital", "house", "kanban", "layers", "layout-dashboard", "link", "list-checks", "lock",
    "mail", "map-pin", "message-square", "microscope", "package", "pill", "search", "settings",
    "shield-check", "shuffle", "signature", "stethoscope", "syringe", "table", "target",
    "test-tube", "truck", "upload", "user-check", "users", "wallet",
})


def icon_problem(icon: str) -> str | None:
    """Why ``icon`` cannot be a tool's icon, or None."""
    if not isinstance(icon, str):
        return "icon must be text"
    if icon == "" or icon in ICON_NAMES or (icon.startswith("/") and not icon.startswith("//")):
        return None
    return (f"icon {icon!r} is not one of the platform's icons (sdk.icons.ICON_NAMES, e.g. 'map-pin', "
            "'flask-conical', 'clipboard-list') nor a path on this site such as /static/...")
