"""What the SDK's harness gives every tool's tests to keep the suite cheap, and no more."""
import dataclasses

from flask import Flask
from sqlalchemy import select

from host.auth.passwords import hash_password, verify_password
from host.db import db_session
from host.models import User
from sdk.testing.app_pool import FRESH_APPS_ENV, AppPool
from sdk.testing.support import EXTENSION_KEY, TEST_PASSWORD
from tests.plugins import testtool

CHEAP = "$argon2id$v=19$m=1024,t=1,p=1$"


def test_harness_apps_hash_passwords_cheaply(app, make_user):
    make_user("ada@example.org")
    with app.app_context():
        stored = db_session().scalar(select(User.password_hash).where(User.email == "ada@example.org"))
    assert stored.startswith(CHEAP) and verify_password(stored, TEST_PASSWORD)


def test_the_cheap_hasher_is_for_apps_under_test_only():
    for config in ({"TESTING_FAST_PASSWORD_HASHES": True}, {"TESTING": True}, {}):
        bare = Flask(__name__)
        bare.config.update(config)
        with bare.app_context():
            assert not hash_password("a long password 1").startswith(CHEAP), config
    assert not hash_password("a long password 1").startswith(CHEAP)  # no app at all


class StubSupport:
    """The host's side as the pool sees it: whether the app may be lent again."""

    def __init__(self, agrees=True):
        self.agrees, self.recycled = agrees, 0

    def recycle(self, extra_plugins):
        self.recycled += 1
        return self.agrees


def built(support=None):
    app = Flask(__name__)
    app.config.update(TESTING=True, GREETING="hello")
    app.extensions[EXTENSION_KEY] = support or StubSupport()
    return app


def test_the_pool_lends_an_app_again_as_it_was_built(monkeypatch):
    monkeypatch.delenv(FRESH_APPS_ENV, raising=False)
    pool, app = AppPool(), built()
    key = pool.key({"A": 1}, [])
    pool.track(app, key)
    original = app.wsgi_app
    app.test_client().get("/")  # served a request: a new app could still be set up before one
    app.config["GREETING"] = "changed by a test"
    app.wsgi_app = lambda environ, start_response: None
    app.extensions["added.by.a.test"] = object()
    pool.give_back(app)
    assert pool.take(pool.key({"A": 2}, []), []) is None
    assert pool.take(key, []) is app and app.extensions[EXTENSION_KEY].recycled == 1
    assert app.config["GREETING"] == "hello" and app.wsgi_app == original
    assert "added.by.a.test" not in app.extensions
    app.add_url_rule("/later", "later", lambda: "ok")  # allowed, as on a new app
    pool.give_back(app)
    assert pool.take(key, []) is None  # a test changed its routes: never lent again


def test_the_pool_builds_anew_when_the_host_refuses_or_when_asked(monkeypatch):
    pool = AppPool()
    refusing, agreeing = built(StubSupport(agrees=False)), built()
    for app in (refusing, agreeing):
        pool.track(app, "key")
        pool.give_back(app)
    monkeypatch.setenv(FRESH_APPS_ENV, "1")
    assert pool.take("key", []) is None
    monkeypatch.delenv(FRESH_APPS_ENV)
    assert pool.take("key", []) is agreeing and pool.take("key", []) is None


def test_the_key_holds_the_environment_the_host_reads(monkeypatch):
    before = AppPool.key({"A": 1}, [])
    monkeypatch.setenv("TRIALOFFICE_LOGIN_FREE_FAILURES", "2")
    assert AppPool.key({"A": 1}, []) != before


def test_the_host_recycles_only_an_app_whose_plugins_are_still_found(app, support, fake_entry_points):
    app.extensions["trialoffice.registry"].records["testtool"].count_failure("dashboard_widgets")
    states = app.extensions["trialoffice.tool_states"]
    assert support.recycle([testtool]) is True
    assert app.extensions["trialoffice.registry"].records["testtool"].failures == {}
    assert app.extensions["trialoffice.tool_states"] is not states
    record = app.extensions["trialoffice.registry"].records["testtool"]
    record.manifest = dataclasses.replace(record.manifest, summary="changed by a test")
    assert support.recycle([testtool]) is False
    record.manifest = testtool.manifest
    assert support.recycle([testtool]) is True
    fake_entry_points({"faulty_widget": "tests.plugins.faulty_widget"})
    assert support.recycle([testtool]) is False
