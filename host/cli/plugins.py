"""``trialoffice plugins``: the tools this installation found, and why any is unavailable."""
from __future__ import annotations

import json

import click

from .context import app_context, registry
from .output import echo_table


def plugin_rows(app) -> list[dict]:
    rows = []
    for record in sorted(registry(app).records.values(), key=lambda r: r.key):
        rows.append({
            "key": record.key,
            "name": record.manifest.name if record.manifest else "",
            "version": record.version,
            "api_level": record.api_level,
            "state": "available" if record.available else "unavailable",
            "reason": record.reason,
            "origin": record.origin,
        })
    return rows


@click.group("plugins")
def plugins_group():
    """Inspect installed tools (plugins)."""


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(as_json):
    """List every installed tool: key, version, SDK API level, state and, if unavailable, why."""
    with app_context() as app:
        rows = plugin_rows(app)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No tools are installed.")
        return
    echo_table(("KEY", "VERSION", "API", "STATE", "REASON"),
               [(r["key"], r["version"], r["api_level"] or "", r["state"], r["reason"] or "")
                for r in rows])
