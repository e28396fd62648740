"""The platform's icon set (``sdk.icons.ICON_NAMES``, Lucide SVGs in ``static/icons``) inlined in
pages: a manifest's or navigation item's icon name becomes an ``<svg>`` that takes the text colour.

Inline, so no request per icon and nothing the content security policy has to allow.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from sdk.icons import ICON_NAMES

ICON_DIR = Path(__file__).parent / "static" / "icons"
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CLASS = re.compile(r'\sclass="[^"]*"')
_SIZE = re.compile(r'\s(width|height)="24"')


@lru_cache(maxsize=None)
def _svg(name: str) -> str:
    text = _COMMENT.sub("", (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8"))
    text = _SIZE.sub("", _CLASS.sub("", text, count=1))
    text = " ".join(text.split())
    return text.replace("<svg ", f'<svg class="icon icon-{name}" aria-hidden="true" focusable="false" ', 1)


def icon(name: str | None) -> Markup:
    """The icon ``name`` as inline SVG; empty markup for a name outside the set."""
    if not name or name not in ICON_NAMES:
        return Markup("")
    return Markup(_svg(name))


def tool_icon(manifest, size: str = "") -> Markup:
    """A tool's tile: its icon from the set, its image (a path on this site), or its initial."""
    name = getattr(manifest, "icon", "") or ""
    css = f"tool-icon{' tool-icon-' + size if size else ''}"
    if name in ICON_NAMES:
        return Markup(f'<span class="{css}" aria-hidden="true">{_svg(name)}</span>')
    if name.startswith("/") and not name.startswith("//"):
        return Markup(f'<img class="{css}" src="{escape(name)}" alt="" width="40" height="40">')
    initial = (getattr(manifest, "name", "") or "?")[:1].upper()
    return Markup(f'<span class="{css} tool-initial" aria-hidden="true">{escape(initial)}</span>')
