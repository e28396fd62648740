"""The outbox's guarantees: delivered after commit, once per event id, retried with back-off
(partial writes rolled back), never for a rolled-back transaction (issue 9, item 4)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import g, has_request_context
from sqlalchemy import func, select

from host.db import get_db
from host.events.relay import deliver_pending, retry_delay
from host.licensing import set_enabled
from host.models import Organization, User
from sdk import org_scope, services, tool
from sdk.events import EVENT_CATALOG, EventSpec
from sdk.models import utcnow
from sdk.tenancy import current_org_id
from tests.generated_tools import make_tool
from tests.outbox_helpers import EVENT, declare_test_event, deliveries, emit, later, outbox_events, processed
from tests.plugins.testtool.models import TestRecord
from tests.runtime_fixtures import support_of


@pytest.fixture(autouse=True)
def declared_event(monkeypatch):
    declare_test_event(monkeypatch)


@pytest.fixture
def world(app_with, fast_user):
    """acme with two listening tools: ``flaky`` writes a record then raises while
    ``state["fail"]`` is above zero; ``counter`` counts."""
    state = {"fail": 0, "calls": [], "counted": 0}

    def flaky(event):
        state["calls"].append(event.id)
        session = tool().db_session()
        session.add(TestRecord(title=f"sample {event.payload['sample_id']} try {len(state['calls'])}"))
        session.flush()  # the partial write exists in the transaction when the handler raises
        if state["fail"] > 0:
            state["fail"] -= 1
            raise RuntimeError("flaky lab system")

    def count(event):
        state["counted"] += 1

    app = app_with(make_tool("flaky", handlers={EVENT: flaky}), make_tool("counter", handlers={EVENT: count}))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    for key in ("flaky", "counter"):
        support.grant_license(acme, key, enable=True)
    return {"app": app, "acme": acme, "state": state, "support": support}


def records(app, org) -> list[str]:
    with app.app_context(), org_scope(org.id):
        return list(get_db(app).session.scalars(select(TestRecord.title).order_by(TestRecord.id)))


def test_a_failing_handler_is_retried_with_back_off_and_keeps_no_partial_write(world):
    app, acme, state, support = world["app"], world["acme"], world["state"], world["support"]
    state["fail"] = 2
    started = utcnow()
    event_id = emit(app, acme, {"sample_id": 7})
    [first] = deliveries(app, tool_key="flaky")
    assert (first.status, first.attempts, records(app, acme)) == ("pending", 1, [])
    assert "RuntimeError: flaky lab system" in first.last_error
    assert started + timedelta(seconds=30) <= first.available_at <= utcnow() + timedelta(seconds=30)
    assert state["counted"] == 1  # the others got it at once

    assert support.deliver_events() == 0  # not due before its back-off ends
    assert support.deliver_events(now=later(31)) == 1
    [second] = deliveries(app, tool_key="flaky")
    assert (second.status, second.attempts, records(app, acme)) == ("pending", 2, [])
    assert second.available_at - later(31) > timedelta(seconds=55)  # the wait doubled

    assert support.deliver_events(now=later(31 + 61)) == 1
    [done] = deliveries(app, tool_key="flaky")
    assert (done.status, done.attempts) == ("done", 2)
    assert records(app, acme) == ["sample 7 try 3"]  # only the successful try's write is kept
    assert state["calls"] == [event_id] * 3 and state["counted"] == 1
    assert (event_id, "flaky", acme.id) in processed(app)
    assert app.extensions["trialoffice.registry"].records["flaky"].failures == {"domain_event": 2}


def test_retry_delays_double_up_to_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == timedelta(hours=1)


def test_after_the_last_try_a_delivery_is_dead(app_with, fast_user):
    def broken(event):
        raise ValueError("no such sample")

    app = app_with(make_tool("broken", handlers={EVENT: broken}), OUTBOX_MAX_ATTEMPTS=3)
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "broken", enable=True)
    emit(app, acme, {"sample_id": 1})
    support.deliver_events(now=later(40))
    assert [(d.status, d.attempts) for d in deliveries(app)] == [("pending", 2)]
    support.deliver_events(now=later(40 + 70))
    [dead] = deliveries(app)
    assert (dead.status, dead.attempts, dead.finished_at is not None) == ("dead", 3, True)
    assert "ValueError: no such sample" in dead.last_error
    assert support.deliver_events(now=later(3600 * 24)) == 0  # never tried again by itself


def test_a_delivered_event_is_never_applied_twice(world):
    app, acme, state, support = world["app"], world["acme"], world["state"], world["support"]
    event_id = emit(app, acme, {"sample_id": 8})
    assert state["counted"] == 1 and records(app, acme) == ["sample 8 try 1"]
    # A relay that lost track of its claims (a lapsed lease) hands the same event out again.
    assert support.redeliver_events() == 2
    assert support.deliver_events() == 2
    assert state["counted"] == 1 and records(app, acme) == ["sample 8 try 1"]
    assert state["calls"] == [event_id]
    assert {d.tool_key: d.status for d in deliveries(app)} == {
        "counter": "done", "flaky": "done"}
    assert sorted(key for _, key, _ in processed(app)) == ["counter", "flaky"]


def test_a_claim_whose_lease_lapsed_is_claimed_again(world):
    app, acme, state, support = world["app"], world["acme"], world["state"], world["support"]
    app.extensions["trialoffice.outbox_waker"] = lambda app: None  # a worker that died after claiming
    emit(app, acme, {"sample_id": 9})
    deliveries_table = deliveries(app)[0].__table__
    with get_db(app).engine.begin() as conn:
        conn.execute(deliveries_table.update().values(claimed_until=later(300), claim_token="dead-worker"))
    assert support.deliver_events() == 0  # still leased
    assert support.deliver_events(now=later(301)) == 2
    assert state["counted"] == 1


def test_an_event_of_a_rolled_back_transaction_is_never_delivered(world):
    app, acme, state, support = world["app"], world["acme"], world["state"], world["support"]
    with app.app_context(), org_scope(acme.id):
        services().events.emit(EVENT, {"sample_id": 1})
        services().db_session().rollback()
        session = services().db_session()
        with session.begin_nested() as savepoint:
            services().events.emit(EVENT, {"sample_id": 2})
            savepoint.rollback()
        kept = services().events.emit(EVENT, {"sample_id": 3})
        session.commit()
    support.deliver_events(now=later(3600))
    assert [e.id for e in outbox_events(app)] == [kept]
    assert state["counted"] == 1 and records(app, acme) == ["sample 3 try 1"]


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_handler_that_ends_its_transaction_is_refused_and_keeps_nothing(app_with, fast_user, ending):
    def end_early(event):
        session = tool().db_session()
        session.add(TestRecord(title="written before ending"))
        session.flush()
        getattr(session, ending)()

    app = app_with(make_tool("ender", handlers={EVENT: end_early}))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "ender", enable=True)
    emit(app, acme, {"sample_id": 4})
    [refused] = deliveries(app)
    assert (refused.status, refused.attempts, processed(app), records(app, acme)) == ("pending", 1, [], [])
    assert ("an event handler of ender called commit()" if ending == "commit"
            else "an event handler must not end its transaction") in refused.last_error


def test_a_handlers_own_event_is_delivered_in_the_same_round(app_with, fast_user, monkeypatch):
    monkeypatch.setitem(EVENT_CATALOG, "qa.sample_received", EventSpec(
        "qa.sample_received", "The lab received a sample.", {"sample_id": int}))
    seen = []

    def receive(event):
        tool().events.emit("qa.sample_received", {"sample_id": event.payload["sample_id"]})

    def note(event):
        seen.append((event.name, event.actor_user_id, current_org_id()))

    app = app_with(make_tool("lab", handlers={EVENT: receive}),
                   make_tool("desk", handlers={"qa.sample_received": note}))
    support = support_of(app)
    owner = fast_user("owner@acme.org")
    acme = support.create_org("acme", owner=owner)
    for key in ("lab", "desk"):
        support.grant_license(acme, key, enable=True)
    with app.test_request_context(), org_scope(acme.id):
        g._login_user = get_db(app).session.get(User, owner.id)  # signed in, as in a request
        services().events.emit(EVENT, {"sample_id": 5})
        services().db_session().commit()
    assert seen == [("qa.sample_received", owner.id, acme.id)]  # the cause's actor carries over
    [event] = [e for e in outbox_events(app) if e.name == "qa.sample_received"]
    assert (event.source, event.actor_user_id) == ("lab", owner.id)


def test_inline_delivery_leaves_the_emitters_request_and_session_alone(app_with, fast_user):
    inside = []

    def look(event):
        inside.append((has_request_context(), current_org_id(), g.get("marker"),
                       tool().db_session() is not emitter_session))

    app = app_with(make_tool("looker", handlers={EVENT: look}))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "looker", enable=True)
    with app.test_request_context(), org_scope(acme.id):
        g.marker = "request state"
        emitter_session = services().db_session()
        record = TestRecord(title="before")
        emitter_session.add(record)
        services().events.emit(EVENT, {"sample_id": 6})
        emitter_session.commit()
        assert services().db_session() is emitter_session and record in emitter_session
        assert record.title == "before" and g.marker == "request state" and current_org_id() == acme.id
        assert emitter_session.scalar(select(func.count()).select_from(TestRecord)) == 1
    assert inside == [(False, acme.id, None, True)]


def test_tool_switches_are_events_through_the_outbox(app_with, fast_user):
    heard = []
    watcher = make_tool("watcher", handlers={
        "tool.enabled": lambda e: heard.append(("watcher", e.name, e.payload["tool_key"])),
        "tool.disabled": lambda e: heard.append(("watcher", e.name, e.payload["tool_key"]))})
    alpha = make_tool("alpha", handlers={
        "tool.enabled": lambda e: heard.append(("alpha", e.name, e.payload["tool_key"])),
        "tool.disabled": lambda e: heard.append(("alpha", e.name, e.payload["tool_key"]))})
    app = app_with(watcher, alpha)
    support = support_of(app)
    owner = fast_user("owner@acme.org")
    acme = support.create_org("acme", owner=owner)
    support.grant_license(acme, "watcher", enable=True)
    support.grant_license(acme, "alpha")

    def switch(enabled):
        with app.app_context():
            session = get_db(app).session
            set_enabled(session, session.get(Organization, acme.id), "alpha", enabled, session.get(User, owner.id))
            session.commit()

    switch(True)
    assert sorted(heard) == [("alpha", "tool.enabled", "alpha"), ("watcher", "tool.enabled", "alpha")]
    heard.clear()
    switch(False)
    assert heard == [("watcher", "tool.disabled", "alpha")]  # a tool switched off hears nothing more
    assert [(e.name, e.actor_user_id) for e in outbox_events(app)] == [
        ("tool.enabled", owner.id), ("tool.disabled", owner.id)]


def test_a_tool_switched_off_before_delivery_is_skipped(world):
    app, acme, state, support = world["app"], world["acme"], world["state"], world["support"]
    app.extensions["trialoffice.outbox_waker"] = lambda app: None
    emit(app, acme, {"sample_id": 10})
    support.set_enabled(acme, "counter", False)
    support.deliver_events()
    [skipped] = deliveries(app, tool_key="counter")
    assert (skipped.status, skipped.last_error) == ("skipped", f"tool counter no longer serves organization {acme.id}")
    assert state["counted"] == 0


def test_concurrent_relays_apply_each_event_once(app_with, fast_user):
    """Four workers claiming at once (SKIP LOCKED on PostgreSQL, the write lock on SQLite)."""
    handled, lock = [], threading.Lock()

    def note(event):
        with lock:
            handled.append(event.id)

    app = app_with(make_tool("tally", handlers={EVENT: note}))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "tally", enable=True)
    app.extensions["trialoffice.outbox_waker"] = lambda app: None
    with app.app_context(), org_scope(acme.id):
        emitted = [services().events.emit(EVENT, {"sample_id": n}) for n in range(120)]
        services().db_session().commit()
    workers = [threading.Thread(target=lambda: deliver_pending(app, limit=40)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    while deliver_pending(app).claimed:  # whatever the four left
        pass
    assert sorted(handled) == sorted(emitted)
    assert {d.status for d in deliveries(app)} == {"done"} and len(processed(app)) == 120


def test_a_handler_table_that_breaks_before_delivery_is_retried_not_skipped(app_with, fast_user):
    table = {"broken": False}

    def handlers():
        if table["broken"]:
            raise ImportError("handlers module missing after a bad deploy")
        return {EVENT: lambda event: None}

    app = app_with(make_tool("fragile", domain_event_handlers=handlers))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "fragile", enable=True)
    app.extensions["trialoffice.outbox_waker"] = lambda app: None
    emit(app, acme, {"sample_id": 15})
    table["broken"] = True
    support.deliver_events()
    [waiting] = deliveries(app)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "the domain_event_handlers hook of fragile failed: ImportError" in waiting.last_error
    table["broken"] = False
    support.deliver_events(now=later(31))
    assert deliveries(app)[0].status == "done"
