"""Electronic signatures: re-authentication, manifestation, staleness, binding, audit."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from host.compliance.esign import HostSignatures
from host.compliance.immutability import ImmutableRecordError
from host.compliance.sessions import LAST_SEEN_KEY
from host.db import get_db
from host.models import Signature
from sdk import org_scope
from sdk.models import utcnow
from sdk.testing import sign_record, submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import create_record, entries, org_with_tool
from tests.plugins.testtool.models import TestRecord


@pytest.fixture
def acme(make_app, make_user, make_org, grant_license, login_as):
    app, owner, org, client = org_with_tool(make_app, make_user, make_org, grant_license, login_as)
    create_record(client, "acme", "Adverse event 7")
    session = get_db(app).session
    with org_scope(org.id):
        rid = session.scalar(select(TestRecord.id))
    session.remove()
    return app, owner, org, client, rid


def sign(client, rid, **form):
    """Sign through the record page's sign dialog (the host's signing route); the record's page
    comes back with the outcome."""
    return sign_record(client, f"/o/acme/testtool/records/{rid}", form)


def signed(response) -> bool:
    return response.status_code == 200 and "Signed by" in response.get_data(as_text=True)


def signatures_of(app, org, rid):
    with app.test_request_context(), org_scope(org.id):
        record = get_db(app).session.get(TestRecord, rid)
        found = HostSignatures().for_record(record)
    get_db(app).session.remove()
    return found


def test_sign_shows_name_time_and_meaning(acme):
    app, owner, org, client, rid = acme
    response = sign(client, rid, meaning="approved", email=owner.email, password=TEST_PASSWORD)
    assert signed(response), response.data
    page = response.get_data(as_text=True)
    assert "Olivia Owner acme" in page and "Approved" in page and "UTC" in page
    (sig,) = signatures_of(app, org, rid)
    assert sig.meaning == "approved" and not sig.stale and sig.bound
    assert len(sig.content_hash) == 64 and sig.signed_at.tzinfo is not None
    assert "meaning: Approved" in sig.manifestation
    (audit,) = entries(app, action="sign")
    assert audit.changes["content_hash"][1] == sig.content_hash


def test_first_signing_needs_email_later_ones_password_only(acme, login_as):
    app, owner, org, client, rid = acme
    refused = sign(client, rid, meaning="reviewed", password=TEST_PASSWORD)
    assert not signed(refused) and "email and password" in refused.get_data(as_text=True)
    assert signed(sign(client, rid, meaning="reviewed", email=owner.email, password=TEST_PASSWORD))
    assert signed(sign(client, rid, meaning="approved", password=TEST_PASSWORD))
    fresh_session = login_as(owner)
    assert not signed(sign(fresh_session, rid, meaning="verified", password=TEST_PASSWORD))
    assert len(signatures_of(app, org, rid)) == 2


def test_wrong_password_fails_and_is_audited(acme):
    app, owner, org, client, rid = acme
    response = sign(client, rid, meaning="approved", email=owner.email, password="wrong password 1")
    assert not signed(response) and "Signature refused" in response.get_data(as_text=True)
    assert signatures_of(app, org, rid) == []
    (failed,) = entries(app, action="sign_failed")
    assert failed.actor_label == owner.email and failed.entity_id == str(rid)


def test_meaning_must_come_from_the_controlled_list(acme):
    app, owner, org, client, rid = acme
    response = sign(client, rid, meaning="looks fine", email=owner.email, password=TEST_PASSWORD)
    assert not signed(response) and signatures_of(app, org, rid) == []


def test_edit_after_signing_marks_the_signature_stale(acme):
    app, owner, org, client, rid = acme
    sign(client, rid, meaning="approved", email=owner.email, password=TEST_PASSWORD)
    submit_form(client, f"/o/acme/testtool/records/{rid}", {"title": "Adverse event 7 (serious)",
                                                            "reason": "Seriousness updated"})
    (sig,) = signatures_of(app, org, rid)
    assert sig.stale
    assert "stale" in client.get(f"/o/acme/testtool/records/{rid}").get_data(as_text=True)


def test_a_signature_cannot_be_moved_to_another_record(acme):
    app, owner, org, client, rid = acme
    create_record(client, "acme", "Adverse event 8")
    sign(client, rid, meaning="approved", email=owner.email, password=TEST_PASSWORD)
    session = get_db(app).session
    with org_scope(org.id):
        other = session.scalar(select(TestRecord.id).where(TestRecord.id != rid))
        signature = session.scalar(select(Signature))
        signature.entity_id = str(other)
        with pytest.raises(ImmutableRecordError):
            session.flush()
        session.rollback()
    # a raw write around the application (row-level security confines it to an org on PostgreSQL)
    with org_scope(org.id), get_db(app).engine.begin() as conn:
        conn.execute(text("UPDATE signature SET entity_id = :other"), {"other": str(other)})
    session.remove()
    (moved,) = signatures_of(app, org, other)
    assert not moved.bound and moved.stale


def test_idle_session_ends_and_signing_needs_full_credentials_again(acme, login_as):
    app, owner, org, client, rid = acme
    sign(client, rid, meaning="reviewed", email=owner.email, password=TEST_PASSWORD)
    with client.session_transaction() as sess:
        sess[LAST_SEEN_KEY] = (utcnow() - timedelta(minutes=31)).isoformat()
    response = client.get("/o/acme/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    client = login_as(owner)
    assert not signed(sign(client, rid, meaning="approved", password=TEST_PASSWORD))
