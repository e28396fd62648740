"""Domain events: declared in the SDK, delivered after the emitter commits (inline by default)
only to the tools enabled in the organization, each handler isolated from the others.
The outbox's own guarantees (retries, idempotency, rollback, fan-out) are in test_outbox*.py."""
from __future__ import annotations

import pytest
from flask import Blueprint

from sdk import org_scope, services
from sdk.events import EVENT_CATALOG, EventPayloadError, EventSpec, UnknownEventError
from sdk.testing import post_with_token
from tests.generated_tools import make_tool
from tests.runtime_fixtures import signed_in, support_of

EVENT = "qa.sample_shipped"


@pytest.fixture(autouse=True)
def declared_event(monkeypatch):
    """A test event in the catalog for the duration of one test only."""
    monkeypatch.setitem(EVENT_CATALOG, EVENT, EventSpec(EVENT, "A sample left the site.", {"sample_id": int}))


@pytest.fixture
def world(app_with, fast_user):
    """Listening tools: acorn (its handler fails, and it runs first), alpha, beta, gamma.
    acme has acorn and alpha on, beta licensed but off, gamma not licensed; other has beta on."""
    received: list[tuple[str, str, dict, int]] = []

    def listener(key):
        return lambda event: received.append((key, event.name, dict(event.payload), event.org_id))

    def explode(event):
        raise RuntimeError("handler bug")

    tools = {key: make_tool(key, handlers={EVENT: listener(key), "tool.enabled": listener(key)})
             for key in ("alpha", "beta", "gamma")}
    tools["acorn"] = make_tool("acorn", handlers={EVENT: explode})
    app = app_with(*tools.values())
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    other = support.create_org("other", owner=fast_user("owner@other.org"))
    support.grant_license(acme, "alpha", enable=True)
    support.grant_license(acme, "acorn", enable=True)
    support.grant_license(acme, "beta")
    support.grant_license(other, "beta", enable=True)
    return {"app": app, "acme": acme, "other": other, "received": received}


def emit(app, org, name, payload):
    """Emit and commit: delivery happens once the emitter's transaction commits."""
    with app.app_context(), org_scope(org.id):
        services().events.emit(name, payload)
        services().db_session().commit()


def test_event_reaches_only_tools_enabled_in_that_organization(world):
    emit(world["app"], world["acme"], EVENT, {"sample_id": 7, "extra": "kept"})
    assert world["received"] == [("alpha", EVENT, {"sample_id": 7, "extra": "kept"}, world["acme"].id)]
    world["received"].clear()
    emit(world["app"], world["other"], EVENT, {"sample_id": 8})
    assert world["received"] == [("beta", EVENT, {"sample_id": 8}, world["other"].id)]


def test_failing_handler_does_not_stop_the_others(world):
    records = world["app"].extensions["trialoffice.registry"].records
    emit(world["app"], world["acme"], EVENT, {"sample_id": 1})
    emit(world["app"], world["acme"], EVENT, {"sample_id": 2})
    assert [r[2]["sample_id"] for r in world["received"]] == [1, 2]
    assert records["acorn"].failures == {"domain_event": 2}
    assert records["alpha"].failures == {}


def _no_table():
    raise ImportError("handlers module missing")


@pytest.mark.parametrize("table", [_no_table, lambda: [(EVENT, print)], lambda: {EVENT: "not callable"}])
def test_broken_handler_table_does_not_stop_the_others(app_with, fast_user, table):
    received = []
    broken = make_tool("broken", domain_event_handlers=table)
    fine = make_tool("fine", handlers={EVENT: lambda event: received.append(event.payload)})
    app = app_with(broken, fine)
    org = support_of(app).create_org("acme", owner=fast_user("owner@acme.org"))
    for key in ("broken", "fine"):
        support_of(app).grant_license(org, key, enable=True)
    emit(app, org, EVENT, {"sample_id": 3})
    assert received == [{"sample_id": 3}]
    assert app.extensions["trialoffice.registry"].records["broken"].failures == {"domain_event_handlers": 1}


def test_only_handlers_of_that_event_run(world):
    emit(world["app"], world["acme"], "tool.enabled", {"tool_key": "alpha"})
    assert world["received"] == [("alpha", "tool.enabled", {"tool_key": "alpha"}, world["acme"].id)]


@pytest.mark.parametrize("name, payload, error, message", [
    ("qa.never_declared", {"sample_id": 1}, UnknownEventError,
     "event 'qa.never_declared' is not declared in sdk.events or a loaded tool's manifest"),
    (EVENT, {"sample": 1}, EventPayloadError, f"event '{EVENT}' is missing payload keys: sample_id"),
    ("tool.enabled", {}, EventPayloadError, "event 'tool.enabled' is missing payload keys: tool_key"),
    (EVENT, {"sample_id": "7"}, EventPayloadError, f"event '{EVENT}' has a wrong payload: sample_id must be int, not str"),
    (EVENT, {"sample_id": True}, EventPayloadError, f"event '{EVENT}' has a wrong payload: sample_id must be int, not bool"),
    ("tool.enabled", {"tool_key": None}, EventPayloadError,
     "event 'tool.enabled' has a wrong payload: tool_key must be str, not null"),
    (EVENT, [("sample_id", 1)], EventPayloadError, f"event '{EVENT}' needs a dict payload, not list"),
])
def test_undeclared_event_or_mistyped_payload_is_refused(world, name, payload, error, message):
    with pytest.raises(error) as refused:
        emit(world["app"], world["acme"], name, payload)
    assert str(refused.value) == message
    assert world["received"] == []


def test_an_event_needs_an_organization(world):
    with world["app"].app_context(), pytest.raises(RuntimeError, match="need an organization"):
        services().events.emit(EVENT, {"sample_id": 1})
    assert world["received"] == []


def test_event_emitted_by_a_tool_view_carries_the_actor(app_with, fast_user):
    received = []

    def pages():
        bp = Blueprint("shipper", __name__)

        @bp.post("/ship")
        def ship():
            services().events.emit(EVENT, {"sample_id": 42})
            services().db_session().commit()
            return "shipped"

        return bp

    shipper = make_tool("shipper", tool_blueprint=pages, navigation=False)
    listener = make_tool("listener", handlers={EVENT: received.append})
    app = app_with(shipper, listener)
    owner = fast_user("owner@acme.org")
    org = support_of(app).create_org("acme", owner=owner)
    for key in ("shipper", "listener"):
        support_of(app).grant_license(org, key, enable=True)
    assert post_with_token(signed_in(app, owner), "/o/acme/shipper/ship").status_code == 200
    [event] = received
    assert (event.name, event.org_id, event.payload) == (EVENT, org.id, {"sample_id": 42})
    assert event.actor_user_id == owner.id
