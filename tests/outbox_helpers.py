"""Shared set-up for the outbox tests: a declared test event, emitting with a commit, and the
outbox's rows as plain tuples."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from host.db import get_db
from host.events.models import OutboxDelivery, OutboxEvent, ProcessedEvent
from sdk import org_scope, services
from sdk.events import EVENT_CATALOG, EventSpec
from sdk.models import utcnow
from sdk.tool import host_runs_tool, tool

EVENT = "qa.sample_shipped"
SPEC = EventSpec(EVENT, "A sample left the site.", {"sample_id": int})


def declare_test_event(monkeypatch) -> None:
    """The test event in the platform catalog for the duration of one test."""
    monkeypatch.setitem(EVENT_CATALOG, EVENT, SPEC)


def emit(app, org, payload, name=EVENT, *, as_tool: str | None = None) -> str:
    """Emit in organization ``org`` and commit (the inline waker delivers during the commit)."""
    with app.app_context(), org_scope(org.id):
        if as_tool is None:
            event_id = services().events.emit(name, payload)
        else:
            with host_runs_tool(as_tool):
                event_id = tool().events.emit(name, payload)
        services().db_session().commit()
        return event_id


def deliveries(app, **where) -> list[OutboxDelivery]:
    """Delivery rows (detached), oldest first."""
    session = get_db(app).session
    query = select(OutboxDelivery).order_by(OutboxDelivery.id)
    for key, value in where.items():
        query = query.where(getattr(OutboxDelivery, key) == value)
    rows = list(session.scalars(query))
    session.remove()
    return rows


def outbox_events(app) -> list[OutboxEvent]:
    session = get_db(app).session
    rows = list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)))
    session.remove()
    return rows


def processed(app) -> list[tuple[str, str, int]]:
    session = get_db(app).session
    rows = [(p.event_id, p.tool_key, p.org_id) for p in session.scalars(select(ProcessedEvent))]
    session.remove()
    return rows


def later(seconds: float):
    return utcnow() + timedelta(seconds=seconds)
