"""``trialoffice audit``: checking the audit trail's hash chains."""
from __future__ import annotations

import click

from ..compliance.verify import verify_trail
from ..db import db_session, get_db
from .context import app_context
from .lookup import org_by_slug


@click.group("audit")
def audit_group():
    """Inspect the append-only audit trail."""


@audit_group.command("verify")
@click.option("--org", "slug", metavar="SLUG", help="Check only this organization's chain.")
def verify_command(slug):
    """Walk the hash chains and report the first broken link of each.

    Every entry carries the SHA-256 of the entry before it in its organization's chain, so an
    entry altered, deleted or inserted around the application shows here. Exits 1 when a chain
    is broken, naming the entry.
    """
    with app_context() as app:
        org_id = org_by_slug(db_session(), slug).id if slug else None
        reports = verify_trail(get_db(app).engine, org_id)
    for report in reports:
        click.echo(report.describe())
    broken = [r for r in reports if not r.ok]
    if broken:
        raise click.ClickException(f"{len(broken)} broken chain(s): {broken[0].describe()}")
    click.echo(f"OK: {len(reports)} chain(s), {sum(r.entries for r in reports)} entries verified.")
