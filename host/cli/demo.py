"""``trialoffice demo``: demo organizations, users, tools and data (see :mod:`host.demo`)."""
from __future__ import annotations

import click

from .. import demo
from ..db import db_session
from .context import app_context
from .output import echo_table

DEMO_HELP = f"""Load demo data; running it again changes nothing.

Creates a platform admin and one organization of each type (sponsor, CRO, SMO, site,
freelancer, publisher) with an owner and a member, starts a trial of every available tool
in each, enables it and loads the tool's demo data. Prints the logins at the end. All demo
accounts share the password '{demo.DEMO_PASSWORD}': never load the demo into production.
"""


@click.command("demo", help=DEMO_HELP)
def demo_command():
    with app_context():
        report = demo.load_demo(db_session())
    for problem in report.problems:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(f"Demo loaded: {len(report.created_orgs)} organization(s) and "
               f"{len(report.tools_started)} tool trial(s) added.")
    echo_table(("ORGANIZATION", "ROLE", "EMAIL", "PASSWORD"),
               [(login.org, login.role, login.email, login.password) for login in report.logins])
    click.echo("Warning: demo accounts with a published password; for demonstration only, "
               "never on a production database.", err=True)
