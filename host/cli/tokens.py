"""``trialoffice tokens``: API tokens for scripts and integrations."""
from __future__ import annotations

import click

from ..auth.tokens import issue_token
from ..db import db_session
from .context import app_context
from .lookup import membership_of, org_by_slug, user_by_email


@click.group("tokens")
def tokens_group():
    """Manage API tokens."""


@tokens_group.command("create")
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="The organization the token works in.")
@click.option("--email", required=True, help="The member the token acts as.")
@click.option("--name", default="cli", show_default=True, help="A label to recognize the token by.")
def create_token_command(org_slug, email, name):
    """Create an API token for a member of an organization and print it.

    The token is printed once, alone on standard output, and only its hash is stored: keep it
    now. Send it as 'Authorization: Bearer <token>'.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise click.ClickException("The token name must be 1-100 characters.")
    with app_context():
        session = db_session()
        org = org_by_slug(session, org_slug)
        user = user_by_email(session, email)
        membership_of(session, org, user)
        _, raw = issue_token(session, user_id=user.id, org_id=org.id, name=name)
        session.commit()
    click.echo(raw)
    click.echo(f"Token for {user.email} in {org.slug}; it is not shown again.", err=True)
