"""``trialoffice plugin``: commands for the authors of tools (``plugins`` inspects installed ones)."""
from __future__ import annotations

import click

from .. import plugin_migrations
from .context import app_context


@click.group("plugin")
def plugin_group():
    """Develop a tool: generate its database migrations."""


@plugin_group.command("migration")
@click.argument("tool")
@click.option("-m", "--message", required=True, help="What the revision changes, e.g. 'add visit due date'.")
def migration_command(tool, message):
    """Generate TOOL's next Alembic revision from its models (autogenerate).

    Compares the tool's own tables (its models on sdk.Base) with the current database, column
    types included, and writes the revision on the tool's branch, in the folder its
    migrations_dir hook names, with the naming convention's constraint and index names. A new
    table with org_id gets enable_row_level_security. Upgrade the database first; review the
    file, then apply it with 'trialoffice db upgrade'. Nothing is written when the models match.

    \b
    Example:
      trialoffice db upgrade
      trialoffice plugin migration mytool -m "add visit due date"
      trialoffice db upgrade
    """
    with app_context() as app:
        result = plugin_migrations.generate(app, tool, message)
    for note in result.notes:
        click.echo(f"Note: {note}.", err=True)
    if result.path is None:
        click.echo(f"No changes: the models of {tool} match the database; nothing was written.")
        return
    after = f"after {result.down_revision}" if result.down_revision else "starting the branch"
    click.echo(f"Generated {result.path} (revision {result.revision} on branch {tool}, {after}).")
    click.echo("Review it, then apply it with 'trialoffice db upgrade'.")
