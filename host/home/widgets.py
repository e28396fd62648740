"""Dashboard widgets: each tool's panels rendered from its own templates, one tool at a time.

A tool names a template of its folder and a context (``sdk.views.Widget``); the host renders it
with autoescape, as the tool's code (``sdk.tool()`` is the tool's handle). A hook that raises, a
template that fails, or (at API level 2) raw ``html`` counts as that tool's failure: its panel
says it is unavailable and every other panel, and the page, stay up. Level-1 ``html`` is shown as
plain text, its tags removed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup, escape

from sdk.tool import host_runs_tool
from sdk.views import Widget

from ..runtime.dispatch import call_each

log = logging.getLogger(__name__)
_warned_html: set[str] = set()


@dataclass(frozen=True)
class Panel:
    tool: str
    title: str
    body: Markup = Markup("")
    order: int = 100
    error: bool = False


def dashboard_panels(registry, keys, org, org_ref, user) -> list[Panel]:
    panels: list[Panel] = []
    for result in call_each(registry, "dashboard_widgets", keys, org_id=org.id, item_type=Widget,
                            org=org_ref, user=user):
        manifest = registry.manifest(result.key)
        rendered = _render_all(registry, result.key, manifest, result.value or []) if result.ok else None
        if rendered is None:
            panels.append(Panel(result.key, manifest.name, order=999, error=True))
        else:
            panels.extend(rendered)
    return sorted(panels, key=lambda p: (p.order, p.title))


def _render_all(registry, key: str, manifest, widgets: list[Widget]) -> list[Panel] | None:
    try:
        with host_runs_tool(key):
            return [Panel(key, str(w.title), render_widget(w, key, manifest.api_level),
                          w.order if isinstance(w.order, int) else 100) for w in widgets]
    except Exception:
        registry.records[key].count_failure("dashboard_widgets")
        log.exception("the widget of tool %s could not be rendered", key)
        return None


def render_widget(widget: Widget, key: str, api_level: int) -> Markup:
    """The widget's body: its template rendered (autoescaped), or level-1 ``html`` as text."""
    if widget.template is not None:
        if not widget.template.startswith(f"{key}/"):
            raise ValueError(f"a widget's template must be in the tool's own folder ({key}/...), "
                             f"not {widget.template!r}")
        return Markup(render_template(widget.template, **dict(widget.context)))
    if api_level >= 2:
        raise TypeError("from API level 2 a widget names a template (Widget(title, template=..., "
                        "context=...)); raw html is not accepted")
    if key not in _warned_html:
        _warned_html.add(key)
        log.warning("tool %s passes its widget as html (deprecated): shown as plain text", key)
    return Markup("<p>") + escape(Markup(str(widget.html)).striptags()) + Markup("</p>")
