"""Fixtures for the plugin-runtime tests (imported by them): apps with extra plugin modules
and apps that find plugins through simulated entry points."""
from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from host import create_app
from host.db import get_db
from host.models import User
from host.runtime.registry import ENTRY_POINT_GROUP
from sdk.services import UserRef
from sdk.testing.support import EXTENSION_KEY
from tests.plugins import testtool

SHARED_CONFIG = ("DATABASE_URL", "SECRET_KEY", "STORAGE_DIR", "TESTING", "WTF_CSRF_ENABLED",
                 "SESSION_COOKIE_SECURE", "TESTING_FAST_PASSWORD_HASHES")


@pytest.fixture
def app_with(app):
    """``app_with(*modules, plugins=None, **config)``: another app on the database of ``app``
    (another process, as far as the app can tell) loading the test tool plus ``modules``."""
    created = []

    def build(*modules, plugins=None, **config):
        settings = {key: app.config[key] for key in SHARED_CONFIG}
        settings.update(LOAD_PLUGINS=plugins, **config)
        built = create_app(settings, extra_plugins=[testtool, *modules])
        created.append(built)
        return built

    yield build
    for built in created:
        get_db(built).dispose()


@pytest.fixture
def fake_entry_points(monkeypatch):
    """``fake_entry_points({name: "module.path"})``: the plugins the host finds as installed."""

    def install(mapping: dict[str, str]) -> None:
        points = [EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
                  for name, value in mapping.items()]
        monkeypatch.setattr("host.runtime.registry.entry_points",
                            lambda group: [p for p in points if p.group == group])

    return install


def support_of(app):
    """The testing support of an app built outside the ``app`` fixture."""
    return app.extensions[EXTENSION_KEY]


def signed_in(app, user):
    client = app.test_client()
    support_of(app).login(client, user)
    return client


@pytest.fixture
def fast_user(app):
    """``fast_user(email, platform_admin=False)``: a user who signs in only through the test
    session, so the deliberately slow Argon2 hash is skipped."""

    def create(email: str, *, platform_admin: bool = False) -> UserRef:
        with app.app_context():
            session = get_db(app).session
            user = User(email=email, name=email.split("@")[0].title(), password_hash="!unusable",
                        is_platform_admin=platform_admin)
            session.add(user)
            session.commit()
            return UserRef(user.id, user.email, user.name, user.timezone)

    return create
