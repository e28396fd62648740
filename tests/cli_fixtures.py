"""Fixtures for running the ``trialoffice`` CLI on the test database (imported by CLI tests)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from host import create_app
from host.cli import cli
from host.db import get_db
from host.models import ApiToken, License, Membership, Organization, OrgTool, User
from sdk.tenancy import all_organizations
from tests.plugins import testtool
from tests.plugins.testtool.models import TestRecord

COUNTED = (User, Organization, Membership, ApiToken, License, OrgTool, TestRecord)


@pytest.fixture
def cli_factory(app):
    """``cli_factory(*extra_plugins)``: an app factory for ``CliRunner.invoke(obj=...)``.

    Its apps use the database of the ``app`` fixture and load the test tool plus ``extra_plugins``.
    """
    created = []

    def with_plugins(*extra):
        def factory(config=None):
            settings = {key: app.config[key]
                        for key in ("DATABASE_URL", "SECRET_KEY", "STORAGE_DIR", "TESTING_FAST_PASSWORD_HASHES")}
            settings.update(TESTING=True, SESSION_COOKIE_SECURE=True)
            settings.update(config or {})
            built = create_app(settings, extra_plugins=[testtool, *extra])
            created.append(built)
            return built

        return factory

    yield with_plugins
    for built in created:
        get_db(built).dispose()


@pytest.fixture
def invoke(cli_factory):
    """``invoke(*args, input=None, plugins=())``: run ``trialoffice ARGS`` and return the result."""

    def run(*args, input=None, plugins=()):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, obj=cli_factory(*plugins),
                                 prog_name="trialoffice")

    return run


@pytest.fixture
def row_counts(app):
    """``row_counts()``: the number of rows in each table the CLI writes, across organizations."""

    def count():
        with app.app_context(), all_organizations():
            session = get_db(app).session
            return {model.__name__: session.scalar(select(func.count()).select_from(model))
                    for model in COUNTED}

    return count


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output
