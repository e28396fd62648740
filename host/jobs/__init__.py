"""Background jobs on a task queue (huey), and the pages that show their progress.

A tool starts a job with ``tool().jobs.start(kind, **params)`` (:mod:`sdk.jobs`); the row is
written in the caller's transaction and the job is queued when it commits (:mod:`host.after_commit`).
The queue (:mod:`.queue`) runs it right away in the same process (``TRIALOFFICE_JOBS=immediate``,
the default) or hands it to ``trialoffice worker`` (``worker``: SQLite file or Redis), which
also delivers the events outbox (:mod:`.outbox`). :mod:`.runner` runs one job as its tool and
person; the person follows it on ``/o/<org>/jobs/<id>`` and ``/api/v1/o/<org>/jobs/<id>``.
"""
from __future__ import annotations

from flask import Flask

from .outbox import install_queued_waker
from .queue import QUEUE_KEY, JobQueue


def init_jobs(app: Flask) -> JobQueue:
    """The app's queue, jobs queued on commit, the pages; in worker mode the outbox waker too."""
    from .views import bp

    queue = JobQueue(app)
    app.extensions[QUEUE_KEY] = queue
    if queue.mode == "worker":
        install_queued_waker(app, queue)
    app.register_blueprint(bp)
    return queue


__all__ = ["QUEUE_KEY", "JobQueue", "init_jobs"]
