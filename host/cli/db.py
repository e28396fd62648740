"""``trialoffice db``: the schema, through the Alembic migrations of the host and every tool."""
from __future__ import annotations

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from .. import migrate
from ..billing.catalog import sync_all_prices
from ..db import db_session, get_db
from ..tenancy import row_security_bypass
from .context import app_context


def _safe_url(app) -> str:
    return make_url(app.config["DATABASE_URL"]).render_as_string(hide_password=True)


def _applied(app) -> set[str]:
    with get_db(app).engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


@click.group("db")
def db_group():
    """Create and upgrade the database schema."""


@db_group.command("upgrade")
def upgrade_command():
    """Apply every pending migration (the host's branch and each installed tool's branch), then
    bring the catalog's prices in line with the installed tools' manifests.

    Safe to run again: an up-to-date database is left as it is.
    """
    with app_context() as app:
        pending = migrate.upgrade(app)
        state = f"upgraded, {len(pending)} branch(es) brought up to date" if pending else "already up to date"
        session = db_session()
        prices = sync_all_prices(session, app.extensions["trialoffice.registry"])
        session.commit()
        click.echo(f"Database {_safe_url(app)}: {state}; {prices} catalog price(s) on sale.")
        bypass = row_security_bypass(get_db(app).engine)
        if bypass:
            click.echo(f"Warning: {bypass}.", err=True)


@db_group.command("current")
def current_command():
    """Show the revisions the database is at (one per branch)."""
    with app_context() as app:
        applied = sorted(_applied(app))
        if not applied:
            click.echo("The database has no migrations applied; run 'trialoffice db upgrade'.")
        for revision in applied:
            click.echo(revision)


@db_group.command("heads")
def heads_command():
    """Show the newest revision of every branch and whether the database has reached it."""
    with app_context() as app:
        script = ScriptDirectory.from_config(migrate.alembic_config(app))
        pending = migrate.pending_heads(app)
        for head in sorted(script.get_heads()):
            labels = ",".join(sorted(script.get_revision(head).branch_labels)) or "-"
            click.echo(f"{head}  {labels}  {'pending' if head in pending else 'applied'}")
