"""The task queue (huey) of one app: which backend, and the tasks the host puts on it.

- ``immediate`` (the default): tasks run in the calling process right away, from in-memory
  storage; no worker is needed, and nothing scheduled for later ever runs (huey's immediate
  mode), so nothing the host queues is scheduled for later.
- ``worker``: tasks wait in a SQLite file of the instance folder (no server), or in Redis when
  ``TRIALOFFICE_REDIS_URL`` is set, for ``trialoffice worker`` (:mod:`.consumer`).

Every app builds its own huey instance with its tasks bound to that app, so the worker's tasks
run in the worker's app (created once per consumer) and a test's apps never share a queue. The
queue carries ids only; what a job is and how far it got is in the ``job`` table.
"""
from __future__ import annotations

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from .outbox import deliver_outbox
from .runner import run_job

QUEUE_KEY = "trialoffice.jobs"


def build_huey(config) -> Huey:
    name = config["JOBS_QUEUE_NAME"]
    if config["JOBS_MODE"] == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if config["REDIS_URL"]:
        return RedisHuey(name, url=config["REDIS_URL"], results=False)
    return SqliteHuey(name, filename=config["JOBS_QUEUE_FILE"], results=False)


def _always(moment) -> bool:
    """The outbox poll's schedule: every time the scheduler looks (see :mod:`.consumer`)."""
    return True


class JobQueue:
    """The app's huey instance with the host's tasks: a job, and a delivery round of the outbox."""

    def __init__(self, app: Flask):
        self.mode = app.config["JOBS_MODE"]
        self.huey = build_huey(app.config)
        self.poll_seconds = app.config["OUTBOX_POLL_SECONDS"]

        def run_job_task(job_id: int, org_id: int) -> None:
            run_job(app, job_id, org_id)

        def deliver_outbox_task() -> None:
            deliver_outbox(app)

        self._run_job = self.huey.task(name="run_job")(run_job_task)
        self._deliver_outbox = self.huey.task(name="deliver_outbox")(deliver_outbox_task)
        self.huey.periodic_task(_always, name="poll_outbox")(deliver_outbox_task)

    @property
    def backend(self) -> str:
        """``immediate``, ``sqlite`` or ``redis``, for the operator's messages."""
        if self.mode == "immediate":
            return "immediate"
        return "redis" if isinstance(self.huey, RedisHuey) else "sqlite"

    def enqueue_job(self, job_id: int, org_id: int) -> None:
        self._run_job(job_id, org_id)

    def enqueue_outbox_delivery(self) -> None:
        self._deliver_outbox()
