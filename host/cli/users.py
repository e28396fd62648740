"""``trialoffice users`` and ``trialoffice admin``: accounts created by an operator."""
from __future__ import annotations

import sys

import click

from ..accounts_service import create_user
from ..db import db_session
from .context import app_context

password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.")
name_option = click.option("--name", help="Full name (default: taken from the email address).")


def read_new_password(from_stdin: bool) -> str:
    """One line of stdin, or a hidden prompt typed twice."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on standard input.")
        return password
    password = click.prompt("Password", hide_input=True)
    if click.prompt("Repeat the password", hide_input=True) != password:
        raise click.ClickException("The two passwords do not match.")
    return password


def _default_name(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part) or local


def create_account(email: str, name: str | None, password_stdin: bool, platform_admin: bool) -> None:
    password = read_new_password(password_stdin)
    with app_context():
        session = db_session()
        user = create_user(session, email=email, password=password,
                           name=name if name is not None else _default_name(email),
                           platform_admin=platform_admin)
        session.commit()
        kind = "Platform admin" if platform_admin else "User"
        click.echo(f"{kind} {user.email} created.")


@click.group("users")
def users_group():
    """Manage user accounts."""


@users_group.command("create")
@click.argument("email")
@name_option
@password_stdin_option
def create_user_command(email, name, password_stdin):
    """Create a user who can sign in with EMAIL (not a member of any organization yet)."""
    create_account(email, name, password_stdin, platform_admin=False)


@click.group("admin")
def admin_group():
    """Manage platform administrators."""


@admin_group.command("create")
@click.argument("email")
@name_option
@password_stdin_option
def create_admin_command(email, name, password_stdin):
    """Create a platform admin (the admin console at /admin/) who signs in with EMAIL."""
    create_account(email, name, password_stdin, platform_admin=True)
