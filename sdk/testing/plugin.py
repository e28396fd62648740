"""pytest fixtures for Trial Office tools and the host itself (registered through ``pytest11``).

Override ``trialoffice_plugins`` in a conftest to add plugin modules that are not installed
through entry points (the host's own test tools do this).
"""
from __future__ import annotations

import os
import shutil
from importlib.metadata import entry_points

import pytest

from .support import EXTENSION_KEY

DATABASE_ENV = "TRIALOFFICE_TEST_DATABASE_URL"


def _app_factory():
    found = [ep for ep in entry_points(group="trialoffice.host") if ep.name == "app"]
    if not found:
        pytest.fail("no Trial Office host installed (entry point trialoffice.host:app)")
    return found[0].load()


def _support(app):
    return app.extensions[EXTENSION_KEY]


@pytest.fixture(scope="session")
def trialoffice_plugins():
    """Extra plugin modules for every app of the session (besides installed entry points)."""
    return []


@pytest.fixture(scope="session")
def trialoffice_database(tmp_path_factory, trialoffice_plugins):
    """A database migrated once per session; SQLite unless TRIALOFFICE_TEST_DATABASE_URL is set."""
    url = os.environ.get(DATABASE_ENV)
    template = None
    if not url:
        template = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{template}"
    else:
        _drop_schema(url)
    instance = tmp_path_factory.mktemp("instance")
    app = _app_factory()(_base_config(url, instance), extra_plugins=trialoffice_plugins)
    _support(app).migrate()
    app.extensions["trialoffice.db"].dispose()
    return {"url": url, "sqlite_template": template}


def _drop_schema(url: str) -> None:
    """Start a server database from nothing, so a schema left by an older checkout or by a session
    with other tools (whose migrations this one does not know) cannot break or skew the run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _base_config(url, instance) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True,
            "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
            "STORAGE_DIR": str(instance / "storage")}


@pytest.fixture
def make_app(trialoffice_database, trialoffice_plugins, tmp_path, monkeypatch):
    """``make_app(plugins=None, **config)``: a fresh app on an empty, migrated database.

    ``plugins`` lists the tool keys to load (None loads every installed and extra tool).
    """
    monkeypatch.setenv("TRIALOFFICE_INSTANCE_PATH", str(tmp_path / "instance"))
    url = trialoffice_database["url"]
    if trialoffice_database["sqlite_template"]:
        copy = tmp_path / "test.db"
        shutil.copy(trialoffice_database["sqlite_template"], copy)
        url = f"sqlite:///{copy}"
    created = []

    def _make(plugins=None, **config):
        settings = _base_config(url, tmp_path)
        settings.update(LOAD_PLUGINS=plugins, **config)
        app = _app_factory()(settings, extra_plugins=trialoffice_plugins)
        if not created and not trialoffice_database["sqlite_template"]:
            _support(app).reset()
        created.append(app)
        return app

    yield _make
    for app in created:
        app.extensions["trialoffice.db"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def support(app):
    """The host's :class:`~sdk.testing.TestingSupport` for ``app``."""
    return _support(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(support):
    return support.create_user


@pytest.fixture
def make_org(support):
    return support.create_org


@pytest.fixture
def add_member(support):
    return support.add_member


@pytest.fixture
def grant_license(support):
    return support.grant_license


@pytest.fixture
def login_as(app, support):
    """``login_as(user)``: a new test client signed in as ``user``."""

    def _login(user):
        client = app.test_client()
        support.login(client, user)
        return client

    return _login
