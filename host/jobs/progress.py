"""The ``progress(done, total, message)`` a job function reports with.

Each report is written at once in a short transaction of its own, on its own connection, so the
progress page sees it while the job's work is still uncommitted. SQLite has one writer at a
time: while the job's own transaction holds the write lock, waiting for it would never end, so
there a report waits a moment only and, if the lock is still taken, is kept and written with the
next report or when the job ends. Each report costs a transaction: report per step or per few
hundred rows, not per row.
"""
from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from sdk.jobs import MAX_MESSAGE_LENGTH, Progress
from sdk.models import utcnow

from .models import Job

log = logging.getLogger(__name__)

SQLITE_LOCK_WAIT_MS = 200


class ProgressReporter(Progress):
    def __init__(self, engine: Engine, job_id: int, org_id: int):
        self._engine, self._job_id, self._org_id = engine, job_id, org_id
        self._pending: dict | None = None
        self.last: tuple[int, int | None] = (0, None)

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        if not isinstance(done, int) or done < 0 or (total is not None and (not isinstance(total, int) or total < 0)):
            raise ValueError("progress(done, total) takes whole numbers of 0 or more")
        self.last = (done, total)
        self._pending = {"done": done, "total": total, "message": str(message)[:MAX_MESSAGE_LENGTH]}
        self.flush()

    def flush(self) -> bool:
        """Write the latest report now; False when SQLite's write lock kept it back."""
        if self._pending is None:
            return True
        values = {**self._pending, "updated_at": utcnow()}
        if not self._write(values):
            return False
        self._pending = None
        return True

    def _write(self, values: dict) -> bool:
        table = Job.__table__
        statement = (update(table).where(table.c.id == self._job_id, table.c.org_id == self._org_id,
                                         table.c.status == "running").values(**values))
        sqlite = self._engine.dialect.name == "sqlite"
        with self._engine.connect() as connection:
            if sqlite:
                waited = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar())
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_LOCK_WAIT_MS}")
                connection.commit()
            try:
                connection.execute(statement)
                connection.commit()
                return True
            except OperationalError as exc:
                connection.rollback()
                if sqlite and "locked" in str(exc.orig):
                    log.debug("job %s: progress kept back while the job holds SQLite's write lock", self._job_id)
                    return False
                raise
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {waited}")
                    connection.commit()
