"""The worker: huey's consumer for one app, with the outbox polled every few seconds.

huey's scheduler looks at periodic tasks once a minute, fine for ``crontab`` schedules but slow
for outbox deliveries backing off by seconds. The host's only periodic task is that poll, so
here the scheduler looks every ``OUTBOX_POLL_SECONDS`` instead. Run one consumer with
``periodic=True`` per installation; the outbox's claims make a second one harmless, only wasteful.
"""
from __future__ import annotations

from flask import Flask
from huey.consumer import Consumer

from .queue import QUEUE_KEY

#: How long an idle worker waits at most before looking at the queue again (SQLite is polled).
MAX_POLL_DELAY_SECONDS = 1.0


class HostConsumer(Consumer):
    def __init__(self, huey, *, periodic_seconds: int, **options):
        self.periodic_seconds = periodic_seconds
        super().__init__(huey, **options)

    def _create_scheduler(self):
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = self.periodic_seconds
        return scheduler


def create_consumer(app: Flask, *, workers: int = 2, periodic: bool = True) -> HostConsumer:
    """A consumer of ``app``'s queue (worker mode); ``.run()`` it, or ``.start()`` and ``.stop()``."""
    queue = app.extensions[QUEUE_KEY]
    if queue.mode != "worker":
        raise RuntimeError("the worker needs TRIALOFFICE_JOBS=worker (the queue runs tasks immediately)")
    return HostConsumer(queue.huey, periodic_seconds=queue.poll_seconds, workers=workers,
                        periodic=periodic, worker_type="thread", max_delay=MAX_POLL_DELAY_SECONDS,
                        initial_delay=0.05)
