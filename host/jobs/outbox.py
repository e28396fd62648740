"""The worker delivers the events outbox too (:mod:`host.events.relay`).

The relay is woken after every commit that wrote events, through the app's
``trialoffice.outbox_waker``. By default (immediate mode) it delivers right there, in the web
process. In worker mode the waker only puts a delivery round on the queue, so the request does
not wait for handlers; the worker runs it, and also polls every ``OUTBOX_POLL_SECONDS`` for
deliveries that came due later (retries backing off, or a round lost with a dead worker).
"""
from __future__ import annotations

import logging

from flask import Flask

from ..events import WAKER_KEY, deliver_pending

log = logging.getLogger(__name__)


def deliver_outbox(app: Flask) -> None:
    """One delivery round: every delivery that is due, each handler in its own transaction."""
    report = deliver_pending(app)
    if report.claimed:
        log.info("outbox: %s delivered, %s failed of %s claimed", report.done, report.failed, report.claimed)


def install_queued_waker(app: Flask, queue) -> None:
    """In worker mode: after a commit with events, queue a delivery round instead of running it."""

    def wake(app: Flask) -> None:
        try:
            queue.enqueue_outbox_delivery()
        except Exception:  # the worker's periodic poll delivers them all the same
            log.exception("outbox delivery could not be queued; the worker's poll will deliver it")

    app.extensions[WAKER_KEY] = wake
