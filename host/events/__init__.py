"""Domain events through a transactional outbox: the host's side of :mod:`sdk.events`.

:mod:`.outbox` writes an event and its deliveries in the emitter's transaction, :mod:`.wake`
wakes the relay after the commit, :mod:`.relay` runs each handler in its own transaction, once
per event id, with retries. The platform console shows failed deliveries (``host.admin.events``).
"""
from __future__ import annotations

from flask import Flask

from ..db import get_db
from .outbox import emit_event, event_being_handled
from .relay import deliver_pending
from .wake import WAKER_KEY, deliver_inline, install_wake_on_commit

__all__ = ["WAKER_KEY", "deliver_pending", "emit_event", "event_being_handled", "init_events"]


def init_events(app: Flask) -> None:
    """The inline waker by default; the relay is woken after each commit that wrote deliveries."""
    app.extensions.setdefault(WAKER_KEY, deliver_inline)
    install_wake_on_commit(app, get_db(app).session.session_factory)
