"""Tenant scoping: an org never sees or changes another org's rows through the ORM."""
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from host.db import get_db
from sdk import TenantScopeError, all_organizations, org_scope
from tests.plugins.testtool.models import TestNote, TestRecord


@pytest.fixture
def two_orgs(app, make_org):
    a, b = make_org("org-a"), make_org("org-b")
    session = get_db(app).session
    for org, prefix in ((a, "A"), (b, "B")):
        with org_scope(org.id):
            for i in range(2):
                record = TestRecord(title=f"{prefix}{i}")
                record.notes.append(TestNote(body=f"{prefix}{i} note"))
                session.add(record)
            session.commit()
    session.expunge_all()
    return session, a, b


def test_select_is_filtered(two_orgs):
    session, a, b = two_orgs
    with org_scope(a.id):
        assert sorted(session.scalars(select(TestRecord.title))) == ["A0", "A1"]
    with org_scope(b.id):
        assert sorted(r.title for r in session.scalars(select(TestRecord))) == ["B0", "B1"]


def test_get_by_primary_key_of_other_org_is_none(two_orgs):
    session, a, b = two_orgs
    with all_organizations():
        b_id = session.scalar(select(TestRecord.id).where(TestRecord.org_id == b.id).limit(1))
    session.expunge_all()
    with org_scope(a.id):
        assert session.get(TestRecord, b_id) is None


def test_joins_aliases_and_relationships_are_filtered(two_orgs):
    session, a, _ = two_orgs
    with org_scope(a.id):
        joined = session.execute(select(TestRecord.title, TestNote.body).join(TestNote.record)).all()
        assert sorted(r.title for r in joined) == ["A0", "A1"]
        note = aliased(TestNote)
        cross = session.scalars(select(note.body).join(TestRecord, TestRecord.id != note.record_id)).all()
        assert all(body.startswith("A") for body in cross) and cross
        loaded = session.scalars(select(TestRecord).options(selectinload(TestRecord.notes))).all()
        assert all(n.body.startswith("A") for r in loaded for n in r.notes)
        session.expunge_all()
        eager = session.scalars(select(TestNote).options(joinedload(TestNote.record))).unique().all()
        assert {n.record.title[0] for n in eager} == {"A"}
        session.expunge_all()
        lazy = session.scalars(select(TestRecord)).all()
        assert {n.body[0] for r in lazy for n in r.notes} == {"A"}


def test_subquery_counts_only_own_rows(two_orgs):
    session, a, _ = two_orgs
    from sqlalchemy import func

    with org_scope(a.id):
        sub = select(TestNote.record_id).scalar_subquery()
        assert session.scalar(select(func.count()).select_from(TestRecord).where(TestRecord.id.in_(sub))) == 2


def test_bulk_update_and_delete_touch_own_rows_only(two_orgs):
    session, a, b = two_orgs
    with org_scope(a.id):
        session.execute(delete(TestNote).where(TestNote.body.like("%0 note")))
        session.execute(update(TestNote).values(body="changed"))
        session.commit()
    with all_organizations():
        bodies = dict(session.execute(select(TestNote.org_id, TestNote.body).where(TestNote.org_id == a.id)).all())
        b_bodies = sorted(session.scalars(select(TestNote.body).where(TestNote.org_id == b.id)))
    assert bodies == {a.id: "changed"}
    assert b_bodies == ["B0 note", "B1 note"]


def test_insert_is_stamped_and_cross_org_insert_refused(two_orgs):
    session, a, b = two_orgs
    with org_scope(a.id):
        record = TestRecord(title="new")
        session.add(record)
        session.commit()
        assert record.org_id == a.id
        session.add(TestRecord(title="sneaky", org_id=b.id))
        with pytest.raises(TenantScopeError):
            session.flush()
        session.rollback()


def test_moving_a_row_to_another_org_is_refused(two_orgs):
    session, a, b = two_orgs
    with org_scope(a.id):
        record = session.scalars(select(TestRecord)).first()
        record.org_id = b.id
        with pytest.raises(TenantScopeError):
            session.flush()
        session.rollback()


def test_unscoped_query_raises(two_orgs):
    session, _, _ = two_orgs
    with pytest.raises(TenantScopeError):
        session.scalars(select(TestRecord)).all()
    with pytest.raises(TenantScopeError):
        session.execute(select(TestNote.body).join(TestRecord, TestRecord.id == TestNote.record_id)).all()
    with pytest.raises(TenantScopeError):
        session.execute(update(TestNote).values(body="x"))
    session.rollback()
    with pytest.raises(TenantScopeError):
        session.add(TestRecord(title="orphan"))
        session.flush()
    session.rollback()


def test_all_organizations_is_explicit(two_orgs):
    session, _, _ = two_orgs
    with all_organizations():
        assert len(session.scalars(select(TestRecord)).all()) == 4
