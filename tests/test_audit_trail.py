"""Field-level audit capture: old and new values, reasons, actors, and all-or-nothing writes."""
import pytest
from sqlalchemy import select

from host.compliance import chain
from host.db import get_db
from sdk import org_scope, tool
from sdk.audit import ReasonRequiredError, reason_for_change
from sdk.testing import submit_form
from sdk.testing.support import EXTENSION_KEY
from tests.compliance_helpers import create_record, entries, entry_count, org_with_tool
from tests.plugins.testtool.models import TestRecord


@pytest.fixture
def acme(make_app, make_user, make_org, grant_license, login_as):
    return org_with_tool(make_app, make_user, make_org, grant_license, login_as)


def record_id(app, org, title):
    session = get_db(app).session
    with org_scope(org.id):
        found = session.scalar(select(TestRecord.id).where(TestRecord.title == title))
    session.remove()
    return found


def test_create_is_audited_with_actor_time_and_request_id(acme):
    app, owner, org, client = acme
    create_record(client, "acme", "Visit 1 CRF")
    (entry,) = entries(app, tool="testtool")
    assert entry.action == "create" and entry.entity_type == "record"
    assert entry.changes["title"] == [None, "Visit 1 CRF"]
    assert entry.org_id == org.id
    assert entry.actor_type == "user" and entry.actor_label == owner.email
    assert entry.at.tzinfo is not None and entry.at.utcoffset().total_seconds() == 0
    assert entry.request_id


def test_change_writes_old_new_and_reason(acme):
    app, owner, org, client = acme
    create_record(client, "acme", "Visit 1 CRF")
    rid = record_id(app, org, "Visit 1 CRF")
    response = submit_form(client, f"/o/acme/testtool/records/{rid}",
                           {"title": "Visit 1 eCRF", "reason": "Typo in form name"})
    assert response.status_code == 200
    update = entries(app, tool="testtool", action="update")[0]
    assert update.changes == {"title": ["Visit 1 CRF", "Visit 1 eCRF"]}
    assert update.reason == "Typo in form name"
    page = client.get(f"/o/acme/testtool/records/{rid}").get_data(as_text=True)
    assert "Typo in form name" in page and "Visit 1 CRF" in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_change_without_reason_is_refused_and_changes_nothing(acme, reason):
    app, owner, org, client = acme
    create_record(client, "acme", "Baseline")
    rid = record_id(app, org, "Baseline")
    before = entry_count(app)
    response = submit_form(client, f"/o/acme/testtool/records/{rid}", {"title": "Changed", "reason": reason})
    assert response.status_code == 422
    assert "reason for change is required" in response.get_data(as_text=True)
    assert record_id(app, org, "Baseline") == rid and record_id(app, org, "Changed") is None
    assert entry_count(app) == before


def test_delete_needs_a_reason_and_records_old_values(acme):
    app, owner, org, client = acme
    create_record(client, "acme", "Screening")
    session = get_db(app).session
    with app.app_context(), org_scope(org.id):
        record = session.scalar(select(TestRecord))
        session.delete(record)
        with pytest.raises(ReasonRequiredError):
            session.flush()
        session.rollback()
        record = session.scalar(select(TestRecord))
        with reason_for_change("Entered in error"):
            session.delete(record)
            session.commit()
    deleted = entries(app, action="delete")[0]
    assert deleted.changes["title"] == ["Screening", None] and deleted.reason == "Entered in error"


def test_failed_audit_write_leaves_the_change_unwritten(acme, monkeypatch):
    app, owner, org, client = acme
    create_record(client, "acme", "Week 4")
    rid = record_id(app, org, "Week 4")
    before = entry_count(app)

    def broken_append(connection, entry):
        raise RuntimeError("audit storage unavailable")

    monkeypatch.setattr(chain, "append", broken_append)
    response = submit_form(client, f"/o/acme/testtool/records/{rid}", {"title": "Week 5", "reason": "fix"})
    assert response.status_code == 500
    assert "nothing was saved" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert record_id(app, org, "Week 4") == rid and record_id(app, org, "Week 5") is None
    assert entry_count(app) == before


def test_failed_audit_write_rolls_back_an_insert(acme, monkeypatch):
    app, owner, org, client = acme
    monkeypatch.setattr(chain, "append", lambda connection, entry: 1 / 0)
    session = get_db(app).session
    with app.app_context(), org_scope(org.id):
        session.add(TestRecord(title="never stored"))
        with pytest.raises(ZeroDivisionError):
            session.commit()
        session.rollback()
    monkeypatch.undo()
    assert record_id(app, org, "never stored") is None
    assert entries(app, tool="testtool") == []


def test_bulk_update_of_audited_model_is_refused(acme):
    from sqlalchemy import update

    from host.compliance.guards import UnauditedBulkChangeError

    app, owner, org, client = acme
    session = get_db(app).session
    with app.app_context(), org_scope(org.id):
        with pytest.raises(UnauditedBulkChangeError):
            session.execute(update(TestRecord).values(title="x"))
        session.rollback()


def test_entries_cannot_be_changed_through_the_orm(acme):
    from host.compliance.immutability import ImmutableRecordError
    from host.models import AuditEntry

    app, owner, org, client = acme
    create_record(client, "acme", "Locked")
    session = get_db(app).session
    entry = session.scalar(select(AuditEntry))
    entry.reason = "rewritten history"
    with pytest.raises(ImmutableRecordError):
        session.flush()
    session.rollback()
    session.delete(session.scalar(select(AuditEntry)))
    with pytest.raises(ImmutableRecordError):
        session.flush()
    session.rollback()
    session.remove()


@pytest.mark.parametrize("changes", [{"kits": 40}, {"subject": ["S1"]}, ["kits", 40]])
def test_an_explicit_entry_the_trail_could_not_show_is_refused(acme, changes):
    """``tool().audit.record`` takes each field as [old, new]; another shape would break the
    record's history page, so it is refused when written, and nothing is appended."""
    app, _, org, _ = acme
    before = entry_count(app)
    with app.test_request_context(), org_scope(org.id), support_of(app).running_tool("testtool"):
        with pytest.raises(ValueError, match=r"\[old, new\]"):
            tool().audit.record(entity_type="record", entity_id="1", action="noted", changes=changes)
        get_db(app).session.rollback()
    assert entry_count(app) == before


def support_of(app):
    return app.extensions[EXTENSION_KEY]
