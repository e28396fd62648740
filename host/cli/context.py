"""How every command gets its app: built by a factory kept in the click context.

``main()`` uses :func:`host.create_app`; tests pass ``obj=<factory>`` to ``CliRunner.invoke`` to
build apps on their own database with their own plugins. Bad input raised by the services
(``AccountError``, ``LicensingError``, any ``ValueError``) and database failures become one
``Error: ...`` line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask
from sqlalchemy.exc import DBAPIError

from ..compliance.actor import acting_as
from ..db import get_db

AppFactory = Callable[[dict | None], Flask]


def default_factory(config: dict | None = None) -> Flask:
    from .. import create_app

    return create_app(config)


def one_line(message: object) -> str:
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn bad input and database failures into ``click.ClickException`` (one line, exit 1)."""
    try:
        yield
    except DBAPIError as exc:
        raise click.ClickException(
            f"Database error: {one_line(exc.orig)} (is the database reachable and upgraded "
            "with 'trialoffice db upgrade'?)") from None
    except ValueError as exc:
        raise click.ClickException(one_line(exc)) from None


def build_app(config: dict | None = None) -> Flask:
    """A new app from the factory of the current click context."""
    factory: AppFactory = click.get_current_context().find_root().obj or default_factory
    with reported_errors():
        return factory(config)


@contextmanager
def app_context(app: Flask | None = None, config: dict | None = None) -> Iterator[Flask]:
    """Run the block inside ``app``'s context (a new app when None); roll back on any error.

    Audit entries written in the block name the command as their actor.
    """
    app = app or build_app(config)
    label = click.get_current_context().command_path
    with reported_errors(), app.app_context(), acting_as("system", None, label):
        session = get_db(app).session
        try:
            yield app
        except BaseException:
            session.rollback()
            raise


def registry(app: Flask):
    return app.extensions["trialoffice.registry"]
