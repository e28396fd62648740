"""Benchmark: what the tenant wall costs per statement.

Runs the same work twice on one migrated SQLite database (or TRIALOFFICE_DATABASE_URL): once
through the host's session (scoping listeners, identity-map check, flush guards, and on
PostgreSQL the per-transaction row-security settings), once through a plain SQLAlchemy session
on the same engine with the organization filter written by hand. Prints time per operation
and the ratio. Run from the repository root:  python bench/tenant_scoping.py [--rows N --reps N]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session

from host import create_app
from host.db import get_db
from host.testing_support import HostTestingSupport
from sdk import org_scope
from sdk.tenancy.row_security import ALL_ORGS_SETTING
from tests.plugins import testtool
from tests.plugins.testtool.models import TestNote, TestRecord


def timed(fn, reps: int) -> float:
    started = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - started) / reps


def _unscoped_engine(engine):
    """An engine with none of the host's listeners; on PostgreSQL its connections are let through
    row-level security once per connection, as a BYPASSRLS role would be."""
    plain = create_engine(engine.url)
    if plain.dialect.name == "postgresql":
        @event.listens_for(plain, "connect")
        def _see_all(dbapi_connection, record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SELECT set_config('{ALL_ORGS_SETTING}', 'on', false)")
            dbapi_connection.commit()
    return plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="notes per organization")
    parser.add_argument("--reps", type=int, default=300)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = os.environ.get("TRIALOFFICE_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": folder,
                      "LOAD_PLUGINS": ["testtool"]}, extra_plugins=[testtool])
    support = HostTestingSupport(app)
    support.migrate()
    support.reset()
    orgs = [support.create_org(f"bench-{i}") for i in range(2)]
    db = get_db(app)
    scoped = db.session
    for org in orgs:
        with org_scope(org.id):
            record = TestRecord(title="parent")
            record.notes = [TestNote(body=f"note {i}") for i in range(args.rows)]
            scoped.add(record)
            scoped.commit()
    org = orgs[0].id
    plain = Session(_unscoped_engine(db.engine))

    def scoped_select():
        with org_scope(org):
            scoped.scalars(select(TestNote.id).where(TestNote.body.like("note 1%")).limit(20)).all()
        scoped.rollback()

    def plain_select():
        plain.scalars(select(TestNote.id).where(TestNote.org_id == org, TestNote.body.like("note 1%"))
                      .limit(20)).all()
        plain.rollback()

    first_id = [None]

    def scoped_update():
        with org_scope(org):
            note = scoped.get(TestNote, first_id[0])
            note.body = "edited" if note.body != "edited" else "again"
            scoped.commit()

    def plain_update():
        note = plain.get(TestNote, first_id[0])
        note.body = "edited" if note.body != "edited" else "again"
        plain.commit()

    def insert_batch(session, stamp):
        def run():
            session.add_all(TestNote(org_id=org, record_id=parent[0], body=f"new {stamp[0]} {i}")
                            for i in range(50))
            stamp[0] += 1
            session.commit()
        return run

    parent = [None]
    with org_scope(org):
        first_id[0] = scoped.scalar(select(TestNote.id).limit(1))
        parent[0] = scoped.scalar(select(TestRecord.id))
    rows = []
    for label, ours, theirs, reps in (
            ("select 20 rows", scoped_select, plain_select, args.reps),
            ("get + change + commit", scoped_update, plain_update, args.reps),
            ("insert 50 rows + commit", None, None, max(10, args.reps // 10))):
        if ours is None:
            def ours_fn(run=insert_batch(scoped, [0])):
                with org_scope(org):
                    run()
            ours, theirs = ours_fn, insert_batch(plain, [10_000])
        for _ in range(3):  # warm up caches
            ours(), theirs()
        t_ours, t_theirs = timed(ours, reps), timed(theirs, reps)
        rows.append((label, t_ours, t_theirs))
    print(f"database: {db.engine.dialect.name}, {args.rows} notes per organization, 2 organizations")
    print(f"{'operation':<26}{'scoped (ms)':>14}{'hand-filtered (ms)':>20}{'ratio':>8}")
    for label, t_ours, t_theirs in rows:
        print(f"{label:<26}{t_ours * 1000:>14.3f}{t_theirs * 1000:>20.3f}{t_ours / t_theirs:>8.2f}")
    plain.close()
    plain.bind.dispose()
    db.dispose()


if __name__ == "__main__":
    main()
