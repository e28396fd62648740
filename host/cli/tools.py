"""``trialoffice tools <key> <command>``: the commands each available tool contributes.

A tool returns click commands from its ``cli_commands`` hook; they run inside the app's
context as the tool's code, so ``sdk.tool()`` (and ``sdk.services()``) work. A tool whose hook fails is reported, never fatal.
"""
from __future__ import annotations

import click

from sdk.tool import host_runs_tool

from ..runtime.dispatch import HookResult, call_available
from .context import app_context, build_app, registry

_APP_KEY = "trialoffice.tools_app"
_RESULTS_KEY = "trialoffice.tool_commands"


def _shared_app(ctx: click.Context):
    root = ctx.find_root()
    if _APP_KEY not in root.meta:
        root.meta[_APP_KEY] = build_app()
    return root.meta[_APP_KEY]


def _tool_commands(ctx: click.Context) -> dict[str, HookResult]:
    root = ctx.find_root()
    if _RESULTS_KEY not in root.meta:
        app = _shared_app(ctx)
        with app_context(app):
            results = call_available(registry(app), "cli_commands")
        root.meta[_RESULTS_KEY] = {r.key: r for r in results}
    return root.meta[_RESULTS_KEY]


class ToolCommandGroup(click.Group):
    """One tool's commands; each runs inside the app's context with errors reported in one line."""

    def __init__(self, app, key: str, commands: list[click.Command], help: str):
        super().__init__(name=key, commands={c.name: c for c in commands}, help=help)
        self.app = app

    def invoke(self, ctx: click.Context):
        with app_context(self.app), host_runs_tool(self.name):
            return super().invoke(ctx)


class ToolsGroup(click.Group):
    """Lists a subgroup per available tool that has commands, built when first asked for."""

    def list_commands(self, ctx):
        return sorted(k for k, r in _tool_commands(ctx).items() if r.ok and r.value)

    def get_command(self, ctx, name):
        result = _tool_commands(ctx).get(name)
        if result is None or not result.ok or not result.value:
            return None
        app = _shared_app(ctx)
        manifest = registry(app).manifest(name)
        return ToolCommandGroup(app, name, list(result.value), help=f"{manifest.name}: {manifest.summary}")

    def resolve_command(self, ctx, args):
        command = self.get_command(ctx, args[0])
        if command is None:
            raise click.ClickException(self._why_missing(ctx, args[0]))
        return args[0], command, args[1:]

    def _why_missing(self, ctx, name: str) -> str:
        record = registry(_shared_app(ctx)).records.get(name)
        result = _tool_commands(ctx).get(name)
        if record is None:
            return f"There is no tool '{name}'."
        if not record.available:
            return f"The tool '{name}' is unavailable: {record.reason}"
        if result is not None and not result.ok:
            return f"The tool '{name}' failed to provide its commands: {result.error}"
        return f"The tool '{name}' has no commands."


tools_group = ToolsGroup(
    "tools", help="Run a tool's own commands: trialoffice tools KEY COMMAND [ARGS].")
