"""Emitting: the event and one delivery per subscribed handler, written in the emitter's
transaction.

Nothing runs at emit time but the fan-out: the event is a row like any other, so if the
emitter's transaction rolls back, the event never happened. When it commits, the session's
``after_commit`` hook wakes the relay (:mod:`host.events.wake`).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from uuid import uuid4

from flask import current_app
from sqlalchemy import insert

from sdk.events import DomainEvent, EventSpec, check_event, record_of
from sdk.models import utcnow
from sdk.tenancy import all_organizations

from ..models import Organization
from ..runtime.dispatch import event_handlers
from ..sharing.reach import grantee_orgs
from .models import OutboxDelivery, OutboxEvent

#: Set on a session whose transaction wrote deliveries: its commit wakes the relay.
WAKE_FLAG = "trialoffice.outbox_wake"

_handling: ContextVar[DomainEvent | None] = ContextVar("trialoffice_handling_event", default=None)


@contextmanager
def handling(event: DomainEvent):
    """The relay runs a handler inside this block (see :func:`event_being_handled`)."""
    token = _handling.set(event)
    try:
        yield
    finally:
        _handling.reset(token)


def event_being_handled() -> DomainEvent | None:
    """The event whose handler is running: an event it emits in turn keeps the same actor."""
    return _handling.get()


def emit_event(session, *, org_id: int, name: str, payload: dict, actor_user_id: int | None = None,
               source: str = "host") -> str:
    """Write event ``name`` of organization ``org_id`` and its deliveries; returns the event id.

    Raises :class:`sdk.events.EventError` when the event is undeclared or its payload does not
    match the declaration, before anything is written.
    """
    registry = current_app.extensions["trialoffice.registry"]
    spec = check_event(name, payload, registry.event_catalog())
    now = utcnow()
    event_id = str(uuid4())
    session.execute(insert(OutboxEvent.__table__).values(
        id=event_id, org_id=org_id, name=name, version=spec.version, payload=dict(payload),
        actor_user_id=actor_user_id, source=source, created_at=now))
    targets = delivery_targets(session, registry, org_id, spec, payload)
    if targets:
        session.execute(insert(OutboxDelivery.__table__), [
            {"event_id": event_id, "tool_key": key, "org_id": target, "status": "pending", "attempts": 0,
             "available_at": now, "created_at": now} for key, target in targets])
        session.info[WAKE_FLAG] = True
    return event_id


def delivery_targets(session, registry, org_id: int, spec: EventSpec, payload: dict) -> list[tuple[str, int]]:
    """``(tool key, organization)`` of every handler the event goes to.

    The tools serving the event's organization that handle it; and, when the event names a
    shared record, the same tools in each organization holding a grant that covers the record
    (the owner's license covers what it shares, so the grantee needs no license of its own).
    An event that names no record stays in its organization.
    """
    keys = sorted(event_handlers(registry, serving_keys(session, registry, org_id), spec.name, org_id))
    targets = [(key, org_id) for key in keys]
    record = record_of(spec, payload)
    if record is not None:
        with all_organizations():
            targets += [(key, grantee) for key in keys for grantee in grantee_orgs(session, org_id, key, record)]
    return targets


def serving_keys(session, registry, org_id: int) -> list[str]:
    """The tools installed, licensed and enabled in the organization."""
    org = session.get(Organization, org_id)
    if org is None:
        return []
    available = {record.key for record in registry.available()}
    return current_app.extensions["trialoffice.tool_states"].serving_keys(session, org, available)
