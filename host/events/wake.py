"""Waking the relay after a commit that wrote deliveries.

``app.extensions["trialoffice.outbox_waker"]`` is a callable taking the app. The default
delivers inline, synchronously, before ``commit()`` returns to the emitter: deterministic, and
the right thing for tests and for a single process. A deployment with a task queue replaces it
with one that only enqueues "deliver the outbox" (it must not touch the committing session,
which is still inside its ``after_commit`` hook). A waker that fails is logged; the deliveries
wait in the table for the next wake or for ``trialoffice events deliver``.
"""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event

from .outbox import WAKE_FLAG
from .relay import HANDLER_RUNNING, deliver_pending

log = logging.getLogger(__name__)

WAKER_KEY = "trialoffice.outbox_waker"


def deliver_inline(app: Flask) -> None:
    """The default waker: run the relay now, in this thread, in a context of its own."""
    deliver_pending(app)


def install_wake_on_commit(app: Flask, session_factory) -> None:
    def wake(session) -> None:
        if session.in_nested_transaction() or not session.info.pop(WAKE_FLAG, False):
            return  # a savepoint was released, or nothing was emitted
        try:
            app.extensions[WAKER_KEY](app)
        except Exception:  # the emitter's change is committed: never fail it on the relay's account
            log.exception("the outbox waker failed; the deliveries wait for the next wake")

    event.listen(session_factory, "after_commit", wake)
    event.listen(session_factory, "after_soft_rollback", _forget_wake)
    event.listen(session_factory, "before_commit", _refuse_commit_in_handler)


def _forget_wake(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(WAKE_FLAG, None)


def _refuse_commit_in_handler(session) -> None:
    key = session.info.get(HANDLER_RUNNING)
    if key is not None and not session.in_nested_transaction():
        raise RuntimeError(f"an event handler of {key} called commit(): the host commits the handler's "
                           "changes together with the event's processed mark; only flush()")
