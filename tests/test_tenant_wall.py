"""The tenant wall, attacked the way a careless plugin author writes code.

Each test runs inside organization A's scope (or as the attack describes) with rows of A and B
in the database, and must end with B's rows unseen and unchanged, or a TenantScopeError.
"""
import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import make_transient_to_detached

from host.db import get_db
from sdk import TenantScopeError, all_organizations, org_scope, services
from sdk.audit import reason_for_change
from tests.plugins.testtool.models import TestNote, TestRecord

Record, Note = TestRecord.__table__, TestNote.__table__


@pytest.fixture
def wall(app, make_org):
    a, b = make_org("org-a"), make_org("org-b")
    session = get_db(app).session
    ids = {}
    for org, prefix in ((a, "A"), (b, "B")):
        with org_scope(org.id):
            record = TestRecord(title=f"{prefix}0")
            record.notes.append(TestNote(body=f"{prefix} note"))
            session.add(record)
            session.commit()
            ids[prefix] = record.id
    session.expunge_all()
    return session, a, b, ids


def b_rows(session, b):
    with all_organizations():
        return (sorted(session.scalars(select(TestRecord.title).where(TestRecord.org_id == b.id))),
                sorted(session.scalars(select(TestNote.body).where(TestNote.org_id == b.id))))


UNTOUCHED = (["B0"], ["B note"])


# -- 1. Core statements and from_statement -----------------------------------------------------

@pytest.mark.parametrize("statement", [
    select(Record),
    select(func.count()).select_from(Record),
    select(func.count(Record.c.id)),
    select(TestRecord.id, Note.c.body),
    select(TestRecord).join(Note, Note.c.record_id == TestRecord.id),
    select(TestRecord).where(TestRecord.id.in_(select(Note.c.record_id))),
    select(TestRecord).from_statement(text("SELECT * FROM testtool_record")),
    text("SELECT title FROM testtool_record"),
], ids=["core-select", "core-count", "core-count-column", "core-column-in-orm", "core-join",
        "core-subquery", "from-statement", "raw-text"])
def test_unscopable_reads_are_refused(wall, statement):
    session, a, b, _ = wall
    with org_scope(a.id), pytest.raises(TenantScopeError):
        session.execute(statement).all()


def test_query_from_statement_is_refused(wall):
    session, a, _, _ = wall
    with org_scope(a.id), pytest.raises(TenantScopeError):
        session.query(TestRecord).from_statement(text("SELECT * FROM testtool_record")).all()


def test_orm_counts_see_own_rows(wall):
    session, a, _, _ = wall
    with org_scope(a.id):
        assert session.scalar(select(func.count(TestRecord.id))) == 1
        assert session.scalar(select(func.count()).select_from(TestRecord)) == 1
        assert session.scalar(select(func.count()).select_from(TestNote).join(TestNote.record)) == 1


@pytest.mark.parametrize("statement", [
    update(Note).values(body="pwned"),
    delete(Note),
    update(TestNote).values(org_id=1),
], ids=["core-update", "core-delete", "orm-update-moves-rows"])
def test_unscopable_writes_are_refused(wall, statement):
    session, a, b, _ = wall
    with org_scope(a.id), pytest.raises(TenantScopeError):
        session.execute(statement)
    session.rollback()
    assert b_rows(session, b) == UNTOUCHED


# -- 1. Inserts -------------------------------------------------------------------------------

def test_orm_and_core_inserts_are_stamped(wall):
    session, a, _, ids = wall
    with org_scope(a.id):
        session.execute(insert(TestRecord).values(title="orm values"))
        session.execute(insert(TestRecord), [{"title": "many 1"}, {"title": "many 2"}])
        session.execute(insert(TestRecord), {"title": "one row"})
        session.execute(insert(Note).values(record_id=ids["A"], body="core values"))
        session.commit()
    with all_organizations():
        titles = dict(session.execute(select(TestRecord.title, TestRecord.org_id)).all())
        assert {titles[t] for t in ("orm values", "many 1", "many 2", "one row")} == {a.id}
        assert session.scalar(select(TestNote.org_id).where(TestNote.body == "core values")) == a.id


@pytest.mark.parametrize("attack", ["values", "executemany", "single", "core"])
def test_insert_for_another_org_is_refused(wall, attack):
    session, a, b, _ = wall
    statements = {
        "values": lambda: session.execute(insert(TestRecord).values(title="x", org_id=b.id)),
        "executemany": lambda: session.execute(
            insert(TestRecord), [{"title": "ok"}, {"title": "x", "org_id": b.id}]),
        "single": lambda: session.execute(insert(TestRecord), {"title": "x", "org_id": b.id}),
        "core": lambda: session.execute(insert(Record).values(title="x", org_id=b.id)),
    }
    with org_scope(a.id), pytest.raises(TenantScopeError):
        statements[attack]()
    session.rollback()
    assert b_rows(session, b) == UNTOUCHED


def test_insert_with_no_organization_is_refused(wall):
    session, *_ = wall
    with pytest.raises(TenantScopeError):
        session.execute(insert(TestRecord), [{"title": "orphan", "org_id": 1}])
    with pytest.raises(TenantScopeError):
        session.execute(insert(Record).values(title="orphan"))
    session.rollback()


# -- 1. The unit of work ----------------------------------------------------------------------

def test_merge_without_load_cannot_overwrite_another_orgs_row(wall):
    session, a, b, ids = wall
    with org_scope(a.id):
        detached = TestRecord(id=ids["B"], org_id=a.id, title="B0")
        make_transient_to_detached(detached)
        forged = session.merge(detached, load=False)
        forged.title = "pwned"
        with reason_for_change("attack"), pytest.raises(TenantScopeError):
            session.flush()
        session.rollback()
    assert b_rows(session, b) == UNTOUCHED


@pytest.mark.parametrize("change", ["update", "delete"])
def test_added_detached_instance_cannot_change_another_orgs_row(wall, change):
    session, a, b, ids = wall
    with org_scope(a.id):
        forged = TestNote(id=session_note_id(session, b), org_id=a.id, body="B note", record_id=ids["A"])
        make_transient_to_detached(forged)
        session.add(forged)
        if change == "update":
            forged.body = "pwned"
        else:
            session.delete(forged)
        with pytest.raises(TenantScopeError):
            session.flush()
        session.rollback()
    assert b_rows(session, b) == UNTOUCHED


def session_note_id(session, org):
    with all_organizations():
        note_id = session.scalar(select(TestNote.id).where(TestNote.org_id == org.id))
    session.expunge_all()
    return note_id


def test_own_rows_loaded_in_scope_change_without_extra_checks(wall):
    session, a, _, ids = wall
    with org_scope(a.id):
        record = session.get(TestRecord, ids["A"])
        session.delete(session.scalars(select(TestNote)).one())
        with reason_for_change("typo"):
            record.title = "edited"
            session.commit()
        assert session.scalars(select(TestRecord.title)).all() == ["edited"]
        assert session.scalar(select(func.count(TestNote.id))) == 0


# -- 1. The identity map ----------------------------------------------------------------------

def test_identity_map_does_not_lend_rows_across_scopes(wall):
    session, a, b, ids = wall
    with all_organizations():
        b_record = session.get(TestRecord, ids["B"])
        b_note = session.scalars(select(TestNote).where(TestNote.org_id == b.id)).one()
        assert b_record is not None
    with org_scope(a.id):
        assert session.get(TestRecord, ids["B"]) is None
        assert session.get(TestNote, b_note.id) is None


def test_many_to_one_lazy_load_stays_in_scope(wall):
    session, a, b, ids = wall
    with all_organizations():
        session.get(TestRecord, ids["B"])  # B's record now sits in the identity map
    with org_scope(a.id):
        forged = TestNote(body="forged", record_id=ids["B"])
        session.add(forged)
        with session.no_autoflush:
            assert forged.record is None
        session.rollback()


def test_row_loaded_for_all_orgs_cannot_be_moved_into_current_org(wall):
    session, a, b, ids = wall
    with all_organizations():
        b_record = session.get(TestRecord, ids["B"])
    with org_scope(a.id):
        b_record.org_id = a.id
        with pytest.raises(TenantScopeError):
            session.flush()
        session.rollback()
    assert b_rows(session, b) == UNTOUCHED


# -- 1. Foreign keys across organizations -----------------------------------------------------

@pytest.mark.parametrize("how", ["new", "repointed", "all-organizations"])
def test_foreign_key_to_another_orgs_parent_is_refused(wall, how):
    session, a, b, ids = wall
    with org_scope(a.id):
        if how == "new":
            session.add(TestNote(body="cross", record_id=ids["B"]))
        elif how == "repointed":
            session.scalars(select(TestNote)).one().record_id = ids["B"]
        if how != "all-organizations":
            with pytest.raises(TenantScopeError):
                session.flush()
            session.rollback()
    if how == "all-organizations":
        with all_organizations():
            session.add(TestNote(org_id=a.id, body="cross", record_id=ids["B"]))
            with pytest.raises(TenantScopeError):
                session.flush()
            session.rollback()
    with all_organizations():
        assert session.scalar(select(func.count(TestNote.id)).where(TestNote.body == "cross")) == 0


# -- 1. Core update/delete of an audited table ------------------------------------------------

@pytest.mark.parametrize("statement", [update(Record).values(title="x"), delete(Record)],
                         ids=["update", "delete"])
def test_core_change_of_audited_table_is_refused_even_for_all_orgs(wall, statement):
    from host.compliance.guards import UnauditedBulkChangeError

    session, a, b, _ = wall
    with all_organizations(), reason_for_change("cleanup"), pytest.raises(UnauditedBulkChangeError):
        session.execute(statement)
    session.rollback()
    assert b_rows(session, b) == UNTOUCHED


# -- 1. Scopes end with their block -----------------------------------------------------------

def test_suspended_generator_does_not_leak_all_organizations(wall):
    session, a, _, _ = wall

    def every_title():
        with all_organizations():
            yield from session.scalars(select(TestRecord.title)).all()

    titles = every_title()
    assert next(titles) in ("A0", "B0")  # the generator is now suspended inside its block
    with pytest.raises(TenantScopeError):
        session.scalars(select(TestRecord)).all()
    with org_scope(a.id):
        assert session.scalars(select(TestRecord.title)).all() == ["A0"]
    titles.close()


def test_suspended_generator_does_not_leak_org_scope(wall):
    session, a, _, _ = wall

    def as_org_a():
        with org_scope(a.id):
            yield

    scoped = as_org_a()
    next(scoped)
    with pytest.raises(TenantScopeError):
        session.scalars(select(TestRecord)).all()
    scoped.close()


def test_current_org_agrees_with_query_scope(app, wall):
    session, a, b, _ = wall
    from host.models import Organization

    with app.test_request_context():
        from flask import g
        g.org, g.tenant_org_id = session.get(Organization, a.id), a.id
        with org_scope(b.id):
            assert services().current_org().id == b.id
            assert session.scalars(select(TestRecord.title)).all() == ["B0"]
        assert services().current_org().id == a.id
