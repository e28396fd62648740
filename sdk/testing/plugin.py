"""pytest fixtures for Trial Office tools and the host itself (registered through ``pytest11``).

Override ``trialoffice_plugins`` in a conftest to add plugin modules that are not installed
through entry points (the host's own test tools do this).
"""
from __future__ import annotations

import os
import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from .app_pool import AppPool

#: the browser fixtures (``browser``, ``live_server``, ``browser_page``) come with the harness
pytest_plugins = ["sdk.testing.browser"]
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
def trialoffice_databases():
    """The migrated databases of the session, one per set of extra plugin modules (conftests of
    different folders may name different ones), and which set a server database holds now."""
    return {}


@pytest.fixture
def trialoffice_database(trialoffice_databases, trialoffice_plugins, tmp_path_factory):
    """The database migrated for this test's plugins, once per session and set of plugins;
    SQLite unless TRIALOFFICE_TEST_DATABASE_URL is set (then migrated again when the set changes).

    On SQLite each test gets a copy of the migrated template at one path (``url``), so that apps
    lent from the pool find their test's database where they were built to look.
    """
    key = tuple(id(plugin) for plugin in trialoffice_plugins)
    server = os.environ.get(DATABASE_ENV)
    if key not in trialoffice_databases or (server and trialoffice_databases.get("on_server") != key):
        trialoffice_databases[key] = _migrated(server, tmp_path_factory.mktemp("db"), trialoffice_plugins)
        trialoffice_databases["on_server"] = key
    return trialoffice_databases[key]


def _migrated(server: str | None, folder: Path, plugins: list) -> dict:
    template = None if server else folder / "template.db"
    url = server or f"sqlite:///{template}"
    if server:
        _drop_schema(server)
    app = _app_factory()(_base_config(url, folder), extra_plugins=plugins)
    _support(app).migrate()
    app.extensions["trialoffice.db"].dispose()
    working = folder / "test.db"
    return {"url": server or f"sqlite:///{working}", "sqlite_template": template,
            "sqlite_working": None if server else working, "storage": folder / "storage"}


@pytest.fixture(scope="session")
def trialoffice_app_pool():
    """Apps lent from test to test (see :mod:`sdk.testing.app_pool`)."""
    return AppPool()


def _fresh_sqlite_copy(template: Path, working: Path) -> None:
    """The template copied in place of the last test's database (a new file: a connection left
    open by that test keeps the old one), without the old file's write-ahead log."""
    for leftover in (working.with_name(working.name + "-wal"), working.with_name(working.name + "-shm")):
        leftover.unlink(missing_ok=True)
    staged = working.with_name(working.name + ".new")
    shutil.copy(template, staged)
    os.replace(staged, working)


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
    """CSRF stays on, as in production: tests post forms with :func:`sdk.testing.submit_form`.
    Password hashes are real but cheap (the host honours the key only with ``TESTING``)."""
    return {"DATABASE_URL": url, "SECRET_KEY": "test-secret", "VAULT_KEY": "test-vault-key", "TESTING": True,
            "TESTING_FAST_PASSWORD_HASHES": True, "SESSION_COOKIE_SECURE": False,
            "STORAGE_DIR": str(instance / "storage")}


@pytest.fixture
def make_app(trialoffice_database, trialoffice_plugins, trialoffice_app_pool, tmp_path, monkeypatch):
    """``make_app(plugins=None, **config)``: an app on an empty, migrated database.

    ``plugins`` lists the tool keys to load (None loads every installed and extra tool). An app
    built for an earlier test with the same settings is lent again, as good as new; several
    calls in one test give several apps (as several processes) on the one database.
    """
    monkeypatch.setenv("TRIALOFFICE_INSTANCE_PATH", str(tmp_path / "instance"))
    database, pool = trialoffice_database, trialoffice_app_pool
    if database["sqlite_template"]:
        _fresh_sqlite_copy(database["sqlite_template"], database["sqlite_working"])
    shutil.rmtree(database["storage"], ignore_errors=True)
    database["storage"].mkdir()
    created = []

    def _make(plugins=None, **config):
        settings = _base_config(database["url"], database["storage"].parent)
        settings.update(LOAD_PLUGINS=plugins, **config)
        key = pool.key(settings, trialoffice_plugins)
        app = pool.take(key, trialoffice_plugins)
        if app is None:
            app = _app_factory()(settings, extra_plugins=trialoffice_plugins)
            pool.track(app, key)
        if not created and not database["sqlite_template"]:
            _support(app).reset()
        created.append(app)
        return app

    yield _make
    for app in created:
        app.extensions["trialoffice.db"].dispose()
        pool.give_back(app)


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


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright (sdk.testing.browser)")
