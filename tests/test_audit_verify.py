"""Tampering with the audit trail around the application is found by verification."""
import threading

import pytest
from sqlalchemy import select, text

from host.compliance.verify import verify_trail
from host.db import get_db
from sdk import org_scope
from tests.compliance_helpers import create_record, entries, org_with_tool
from tests.plugins.testtool.models import TestRecord


@pytest.fixture
def acme(make_app, make_user, make_org, grant_license, login_as):
    app, owner, org, client = org_with_tool(make_app, make_user, make_org, grant_license, login_as)
    for title in ("Visit 1", "Visit 2", "Visit 3", "Visit 4"):
        create_record(client, "acme", title)
    return app, org


def raw(app, sql, **params):
    with get_db(app).engine.begin() as conn:
        conn.execute(text(sql), params)


def org_report(app, org):
    (report,) = verify_trail(get_db(app).engine, org.id)
    return report


def test_untouched_chain_verifies(acme):
    app, org = acme
    report = org_report(app, org)
    assert report.ok and report.entries == len(entries(app, org_id=org.id))
    assert all(r.ok for r in verify_trail(get_db(app).engine))


def test_raw_update_is_detected_and_names_the_row(acme):
    app, org = acme
    target = entries(app, tool="testtool")[2]
    raw(app, "UPDATE audit_entry SET changes = :c WHERE id = :id", c='{"title": [null, "Visit X"]}', id=target.id)
    report = org_report(app, org)
    assert not report.ok and report.broken.entry_id == target.id
    assert f"audit entry id {target.id}" in report.describe() and "altered" in report.describe()


def test_raw_delete_in_the_middle_is_detected(acme):
    app, org = acme
    target = entries(app, tool="testtool")[1]
    raw(app, "DELETE FROM audit_entry WHERE id = :id", id=target.id)
    report = org_report(app, org)
    assert not report.ok and "missing" in report.describe() and f"#{target.seq}" in report.describe()


def test_raw_delete_of_the_last_entry_is_detected(acme):
    app, org = acme
    last = entries(app, org_id=org.id)[-1]
    raw(app, "DELETE FROM audit_entry WHERE id = :id", id=last.id)
    report = org_report(app, org)
    assert not report.ok and "deleted at the end" in report.describe()


def test_rehashing_one_row_still_breaks_the_next_link(acme):
    from host.compliance.chain import entry_hash

    app, org = acme
    rows = entries(app, org_id=org.id)
    target = rows[1]
    forged = {c: getattr(target, c) for c in ("chain_key", "seq", "org_id", "at", "actor_type", "actor_id",
                                              "actor_label", "tool", "entity_type", "entity_id", "action",
                                              "changes", "reason", "request_id", "prev_hash")}
    forged["reason"] = "forged"
    raw(app, "UPDATE audit_entry SET reason = 'forged', hash = :h WHERE id = :id",
        h=entry_hash(forged), id=target.id)
    report = org_report(app, org)
    assert not report.ok and report.broken.entry_id == rows[2].id


def test_chain_stays_valid_under_concurrent_writes(acme):
    app, org = acme
    errors = []

    def writer(n):
        session = get_db(app).session
        try:
            with app.app_context(), org_scope(org.id):
                for i in range(8):
                    session.add(TestRecord(title=f"thread {n} record {i}"))
                    session.commit()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = org_report(app, org)
    assert report.ok, report.describe()
    seqs = [e.seq for e in entries(app, org_id=org.id)]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    session = get_db(app).session
    with org_scope(org.id):
        assert len(session.scalars(select(TestRecord)).all()) == 4 + 32
    session.remove()
