"""``trialoffice``: the operator's command line (click).

Every command builds the app through the factory in the click context object (see
:mod:`host.cli.context`), so tests can run the real commands on their own database.
"""
from __future__ import annotations

import click

from .audit import audit_group
from .billing import billing_group
from .context import AppFactory, default_factory
from .db import db_group
from .demo import demo_command
from .licenses import licenses_group
from .orgs import orgs_group
from .plugin_author import plugin_group
from .plugins import plugins_group
from .serve import run_command
from .tokens import tokens_group
from .tools import tools_group
from .users import admin_group, users_group
from .worker import worker_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Trial Office: run, migrate and administer an installation.

    Configuration comes from TRIALOFFICE_* environment variables (TRIALOFFICE_DATABASE_URL,
    TRIALOFFICE_SECRET_KEY, TRIALOFFICE_INSTANCE_PATH, ...); with none set, a SQLite database
    in the instance folder is used.
    """


for command in (db_group, admin_group, users_group, orgs_group, demo_command, plugins_group,
                tokens_group, run_command, tools_group, audit_group, licenses_group, billing_group,
                worker_command, plugin_group):
    cli.add_command(command)


def main(factory: AppFactory | None = None) -> None:
    """The console script; ``factory`` builds the app (default :func:`host.create_app`)."""
    cli.main(prog_name="trialoffice", obj=factory or default_factory)


__all__ = ["cli", "main"]
