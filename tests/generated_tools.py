"""Tool modules built at run time: many small, valid tools for load and isolation tests.

Each is a real plugin module (``types.ModuleType``) with a manifest and hook implementations,
registered through ``create_app(extra_plugins=[...])`` like the test tool. They have no tables,
so they need no migrations.
"""
from __future__ import annotations

import types
from pathlib import Path

from flask import Blueprint

from sdk import Manifest, NavItem, Plan, Widget, hookimpl


def make_tool(key: str, *, handlers: dict | None = None, pages: bool = True, widget: bool = True,
              navigation: bool = True, api_level: int = 1, **hooks) -> types.ModuleType:
    """A tool ``key`` with a page, a navigation item and a widget; ``handlers`` maps domain
    event names to handlers; ``hooks`` adds or replaces hook implementations by name."""
    module = types.ModuleType(f"tests.generated_tools.{key}")
    name = key.replace("_", " ").title()
    module.manifest = Manifest(key=key, name=name, summary=f"Generated tool {key}.", version="1.0.0",
                               publisher="Trial Office QA", api_level=api_level,
                               plans=(Plan(code="basic", name="Basic", amount=300),))
    if pages:
        module.tool_blueprint = hookimpl(lambda: _blueprint(key))
    if navigation:
        module.navigation_items = hookimpl(lambda org, user: [NavItem(f"{name} page", f"{key}.index")])
    if widget:
        module.dashboard_widgets = hookimpl(
            lambda org, user: [Widget(f"{name} widget", f"<p>{key} widget for {org.slug}</p>")])
    if handlers is not None:
        module.domain_event_handlers = hookimpl(lambda: dict(handlers))
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def make_tools(count: int, prefix: str = "gen") -> list[types.ModuleType]:
    return [make_tool(f"{prefix}{i:02d}") for i in range(count)]


def _blueprint(key: str) -> Blueprint:
    bp = Blueprint(key, __name__, root_path=str(Path(__file__).parent))
    bp.add_url_rule("/", "index", lambda: f"{key} page")
    return bp
