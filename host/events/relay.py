"""The relay: claims due deliveries and runs each handler in its own transaction.

A claim sets a lease (``claimed_until``) and commits at once; no lock is held while handlers
run, and the deliveries of a worker that died return when its lease lapses. On PostgreSQL the
claim skips rows another worker is claiming (``FOR UPDATE SKIP LOCKED``); on SQLite the claim's
UPDATE takes the database's single write lock, so concurrent relays still never share a row.

Each delivery's transaction first inserts ``processed_event`` (event, tool, organization); if
that mark exists already the event was applied and is skipped. The handler's writes, the mark and
the delivery's new status commit together: a re-delivered event is never applied twice, and a
handler that raises leaves nothing behind. A failure is retried with exponential back-off;
after the last try the delivery is ``dead`` and shown to platform admins (``/admin/events``).
"""
from __future__ import annotations

import contextvars
import logging
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sdk.events import DomainEvent, record_of
from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope
from sdk.tool import host_runs_tool

from ..compliance.actor import acting_as
from ..db import get_db
from ..runtime.dispatch import event_handlers
from ..sharing.reach import grantee_orgs
from .models import OutboxDelivery, OutboxEvent, ProcessedEvent
from .outbox import handling, serving_keys

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # config OUTBOX_MAX_ATTEMPTS
RETRY_SECONDS = 30  # config OUTBOX_RETRY_SECONDS: the first wait; each next one doubles
MAX_RETRY_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 50
#: While set in a session's ``info``, the session belongs to a running handler (it must not commit).
HANDLER_RUNNING = "trialoffice.event_handler_running"
MAX_ERROR_LENGTH = 4000

_deliveries = OutboxDelivery.__table__
_events = OutboxEvent.__table__
_thread = threading.local()


@dataclass
class RelayReport:
    claimed: int = 0
    done: int = 0
    duplicates: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0


def retry_delay(attempts: int, first_seconds: int = RETRY_SECONDS) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min, … at most an hour."""
    return min(timedelta(seconds=first_seconds * 2 ** (attempts - 1)), MAX_RETRY_DELAY)


def deliver_pending(app, *, now: datetime | None = None, limit: int = 1000) -> RelayReport:
    """Deliver what is due at ``now`` (default: the clock), at most ``limit`` deliveries.

    Runs in a context of its own: no organization scope, running tool or request of the caller
    leaks into a handler, and the caller's scoped session is put aside and given back untouched
    (the inline waker calls this from inside the emitter's commit). A call made while this
    thread is already relaying returns at once: the running loop claims the new deliveries.
    """
    if getattr(_thread, "relaying", False):
        return RelayReport()
    _thread.relaying = True
    scoped = get_db(app).session
    saved = scoped.registry() if scoped.registry.has() else None
    scoped.registry.clear()
    try:
        return contextvars.Context().run(_relay_in_app_context, app, now, limit)
    finally:
        if scoped.registry.has():
            scoped.remove()
        if saved is not None:
            scoped.registry.set(saved)
        _thread.relaying = False


def _relay_in_app_context(app, now, limit) -> RelayReport:
    with app.app_context():
        return _Relay(app, now).run(limit)


class _Relay:
    def __init__(self, app, now: datetime | None):
        self.app = app
        self.fixed_now = now
        self.session = get_db(app).session()
        self.registry = app.extensions["trialoffice.registry"]
        self.token = uuid4().hex
        self.max_attempts = int(app.config.get("OUTBOX_MAX_ATTEMPTS", MAX_ATTEMPTS))
        self.first_retry = int(app.config.get("OUTBOX_RETRY_SECONDS", RETRY_SECONDS))
        self.report = RelayReport()
        self._serving: dict[int, list[str]] = {}

    def now(self) -> datetime:
        return self.fixed_now or utcnow()

    def run(self, limit: int) -> RelayReport:
        while self.report.claimed < limit:
            ids = self._claim(min(BATCH, limit - self.report.claimed))
            if not ids:
                break
            self.report.claimed += len(ids)
            self._serving.clear()  # read once per batch of claims, per organization
            for row in self._load(ids):
                self._deliver(row)
                # expire_on_commit is off: no handler may see rows as an earlier one left them
                self.session.expunge_all()
        return self.report

    def _claim(self, count: int) -> list[int]:
        now = self.now()
        due = (select(_deliveries.c.id)
               .where(_deliveries.c.status == "pending", _deliveries.c.available_at <= now,
                      or_(_deliveries.c.claimed_until.is_(None), _deliveries.c.claimed_until < now))
               .order_by(_deliveries.c.available_at, _deliveries.c.id).limit(count))
        if self.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(
            update(_deliveries).where(_deliveries.c.id.in_(due))
            .values(claimed_until=now + LEASE, claim_token=self.token).returning(_deliveries.c.id)))
        self.session.commit()
        return ids

    def _load(self, ids: list[int]) -> list:
        rows = self.session.execute(
            select(_deliveries.c.id, _deliveries.c.tool_key, _deliveries.c.org_id, _deliveries.c.attempts,
                   _events.c.id.label("event_id"), _events.c.org_id.label("event_org_id"), _events.c.name,
                   _events.c.version, _events.c.payload, _events.c.actor_user_id, _events.c.created_at)
            .join(_events, _events.c.id == _deliveries.c.event_id)
            .where(_deliveries.c.id.in_(ids), _deliveries.c.claim_token == self.token)
            .order_by(_deliveries.c.available_at, _deliveries.c.id)).all()
        self.session.commit()
        return rows

    def _deliver(self, row) -> None:
        event = DomainEvent(name=row.name, org_id=row.event_org_id, payload=row.payload,
                            actor_user_id=row.actor_user_id, id=row.event_id, version=row.version,
                            created_at=row.created_at)
        try:
            handler = self._handler(row, event)
            if handler is None:
                self.report.skipped += 1
                return
            self._apply(row, event, handler)
        except Exception as exc:
            self._failed(row, event, exc)

    def _handler(self, row, event: DomainEvent):
        """The tool's handler, or None (delivery skipped) when the target no longer qualifies;
        raises while the tool is unavailable or its handler table broken, so the delivery is
        retried (and ends dead, shown to admins, if that lasts)."""
        record = self.registry.get(row.tool_key)
        if record is None:
            known = self.registry.records.get(row.tool_key)
            raise LookupError(f"tool {row.tool_key} is not available"
                              + (f": {known.reason}" if known and known.reason else ""))
        reason = self._target_gone(row, event)
        if reason is None:
            broken: dict[str, str] = {}
            handler = event_handlers(self.registry, [row.tool_key], event.name, row.org_id, broken).get(row.tool_key)
            if broken:
                raise RuntimeError(f"the domain_event_handlers hook of {row.tool_key} failed: {broken[row.tool_key]}")
            if handler is not None:
                return handler
            reason = f"tool {row.tool_key} no longer handles {event.name}"
        self._finish(row.id, "skipped", reason)
        self.session.commit()
        return None

    def _target_gone(self, row, event: DomainEvent) -> str | None:
        """Why the delivery's target may no longer receive the event (checked again at delivery:
        a tool switched off or a revoked grant gets nothing more), or None."""
        if event.org_id not in self._serving:
            self._serving[event.org_id] = serving_keys(self.session, self.registry, event.org_id)
        if row.tool_key not in self._serving[event.org_id]:
            return f"tool {row.tool_key} no longer serves organization {event.org_id}"
        if row.org_id == event.org_id:
            return None
        spec = self.registry.event_catalog().get(event.name)
        record = record_of(spec, event.payload) if spec else None
        with all_organizations():
            covered = record is not None and row.org_id in grantee_orgs(
                self.session, event.org_id, row.tool_key, record)
        return None if covered else f"organization {row.org_id} no longer holds a grant covering the record"

    def _apply(self, row, event: DomainEvent, handler) -> None:
        session = self.session
        label = f"{row.tool_key} handling {event.name}"[:254]
        with org_scope(row.org_id), host_runs_tool(row.tool_key), handling(event), \
                acting_as("event", event.id, label):
            if not self._mark_processed(row):
                self._finish(row.id, "done")
                session.commit()
                self.report.duplicates += 1
                return
            transaction = session.get_transaction()
            session.info[HANDLER_RUNNING] = row.tool_key
            try:
                handler(event)
            finally:
                session.info.pop(HANDLER_RUNNING, None)
            if session.get_transaction() is not transaction:
                raise RuntimeError("an event handler must not end its transaction (commit or "
                                   "rollback): the host commits its changes with the processed mark")
            session.flush()
            self._finish(row.id, "done")
            session.commit()
        self.report.done += 1

    def _mark_processed(self, row) -> bool:
        """Insert the processed mark; False when it exists (the event was applied already)."""
        values = {"event_id": row.event_id, "tool_key": row.tool_key, "org_id": row.org_id,
                  "processed_at": utcnow()}
        table = ProcessedEvent.__table__
        dialect = self.session.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            dialect_insert = pg_insert if dialect == "postgresql" else sqlite_insert
            inserted = self.session.scalar(dialect_insert(table).values(values).on_conflict_do_nothing()
                                           .returning(table.c.event_id))
            return inserted is not None
        exists = self.session.scalar(select(table.c.event_id).where(
            table.c.event_id == row.event_id, table.c.tool_key == row.tool_key, table.c.org_id == row.org_id))
        if exists is None:
            self.session.execute(insert(table).values(values))
        return exists is None

    def _finish(self, delivery_id: int, status: str, note: str | None = None) -> None:
        values = {"status": status, "finished_at": utcnow(), "claimed_until": None, "claim_token": None}
        if note is not None:
            values["last_error"] = note
        self.session.execute(update(_deliveries).where(_deliveries.c.id == delivery_id).values(values))

    def _failed(self, row, event: DomainEvent, exc: Exception) -> None:
        """Roll the handler's writes back; count the try; schedule the next one or give up."""
        self.session.rollback()
        known = self.registry.records.get(row.tool_key)
        if known is not None:
            known.count_failure("domain_event")
        log.error("tool %s failed handling %s (event %s) for org %s", row.tool_key, event.name, event.id,
                  row.org_id, exc_info=exc)
        attempts = row.attempts + 1
        values = {"attempts": attempts, "last_error": describe(exc), "claimed_until": None, "claim_token": None}
        if attempts >= self.max_attempts:
            values.update(status="dead", finished_at=utcnow())
            self.report.dead += 1
        else:
            values["available_at"] = self.now() + retry_delay(attempts, self.first_retry)
            self.report.failed += 1
        self.session.execute(update(_deliveries).where(
            _deliveries.c.id == row.id, _deliveries.c.claim_token == self.token).values(values))
        self.session.commit()


def describe(exc: Exception) -> str:
    """The error and the end of its traceback, as the admin page shows it."""
    text = "".join(traceback.format_exception(exc)).strip()
    return text if len(text) <= MAX_ERROR_LENGTH else "…" + text[-MAX_ERROR_LENGTH:]
