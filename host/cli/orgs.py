"""``trialoffice orgs``: organizations created by an operator."""
from __future__ import annotations

import click

from ..accounts_service import create_organization
from ..db import db_session
from ..models import ORG_TYPES
from .context import app_context
from .lookup import user_by_email


@click.group("orgs")
def orgs_group():
    """Manage organizations."""


@orgs_group.command("create")
@click.argument("slug")
@click.option("--type", "org_type", required=True, metavar="TYPE",
              help=f"One of: {', '.join(ORG_TYPES)}.")
@click.option("--owner", required=True, metavar="EMAIL", help="Email of an existing user who will own it.")
@click.option("--name", help="Display name (default: the slug, title-cased).")
def create_org_command(slug, org_type, owner, name):
    """Create the organization SLUG (its URL is /o/SLUG/) with an existing user as owner."""
    with app_context():
        session = db_session()
        user = user_by_email(session, owner)
        org = create_organization(session, slug=slug, type=org_type, owner=user,
                                  name=name if name is not None else slug.replace("-", " ").title())
        session.commit()
        click.echo(f"Organization {org.slug} ({org.type_label}) created, owned by {user.email}.")
