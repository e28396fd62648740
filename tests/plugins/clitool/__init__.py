"""A test tool that contributes CLI commands and whose demo data always fails."""
import click
from sqlalchemy import text

from sdk import Manifest, Plan, hookimpl, services

manifest = Manifest(key="clitool", name="CLI Tool", summary="Commands for the CLI tests.",
                    version="0.1.0", publisher="Trial Office QA", api_level=1,
                    plans=(Plan(code="basic", name="Basic", amount=100),))


@click.command("hello")
@click.option("--name", default="world")
def hello(name):
    """Greet someone."""
    click.echo(f"Hello, {name}!")


@click.command("ping-db")
def ping_db():
    """Run a query through the host's session."""
    click.echo(f"db says {services().db_session().execute(text('select 1')).scalar()}")


@click.command("fail")
def fail():
    """Refuse the input the way a tool service does."""
    raise ValueError("The batch number is not valid.")


@hookimpl
def cli_commands():
    return [hello, ping_db, fail]


@hookimpl
def demo_data(org, user):
    raise RuntimeError(f"no demo for {org.slug}")
