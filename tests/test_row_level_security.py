"""The second wall: PostgreSQL row-level security confines even raw SQL to one organization.

These tests bypass the SDK's session scoping on purpose (``engine.connect()``,
``session.connection()``, ``text()``), the way a careless author would, and need PostgreSQL:
SQLite has no row-level security, the SDK's scoping is the only wall there.
"""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from host.db import get_db
from sdk import all_organizations, org_scope
from sdk.tenancy import tenant_tables
from sdk.tenancy.row_security import POLICY
from tests.plugins.testtool.models import TestRecord

pytestmark = pytest.mark.skipif(
    "postgresql" not in __import__("os").environ.get("TRIALOFFICE_TEST_DATABASE_URL", ""),
    reason="row-level security exists on PostgreSQL only; this file runs in the PostgreSQL pass")

RAW_TITLES = text("SELECT title FROM testtool_record ORDER BY title")


@pytest.fixture
def orgs(app, make_org, grant_license):
    a, b = make_org("org-a"), make_org("org-b")
    session = get_db(app).session
    for org, prefix in ((a, "A"), (b, "B")):
        grant_license(org, "testtool")
        with org_scope(org.id):
            session.add_all([TestRecord(title=f"{prefix}0"), TestRecord(title=f"{prefix}1")])
            session.commit()
    return get_db(app).engine, a, b


def test_the_app_role_cannot_bypass_row_security(orgs):
    engine, *_ = orgs
    with engine.connect() as conn:
        superuser, bypass = conn.execute(text(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert (superuser, bypass) == (False, False)


def test_every_tenant_table_has_a_forced_policy(orgs):
    engine, *_ = orgs
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = :policy) "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"),
            {"policy": POLICY}).all()
    state = {name: tuple(flags) for name, *flags in rows}
    tables = set(tenant_tables()) & set(state)  # models of tools another test folder loaded have no table here
    assert {"license", "signature", "testtool_record", "site_select_site"} <= tables
    assert {name: state.get(name) for name in tables} == {name: (True, True, True) for name in tables}


def test_raw_sql_sees_only_the_current_organization(orgs):
    engine, a, b = orgs
    with org_scope(a.id), engine.connect() as conn:
        assert conn.execute(RAW_TITLES).scalars().all() == ["A0", "A1"]
        assert conn.execute(text("SELECT count(*) FROM license")).scalar() == 1
    with org_scope(b.id), engine.connect() as conn:
        assert conn.execute(RAW_TITLES).scalars().all() == ["B0", "B1"]


def test_raw_sql_through_the_sessions_connection_is_confined(app, orgs):
    _, a, _ = orgs
    session = get_db(app).session
    with org_scope(a.id):
        assert session.connection().execute(RAW_TITLES).scalars().all() == ["A0", "A1"]
    session.rollback()


def test_no_scope_sees_nothing_and_all_organizations_sees_all(orgs):
    engine, *_ = orgs
    with engine.connect() as conn:
        assert conn.execute(RAW_TITLES).scalars().all() == []
    with all_organizations(), engine.connect() as conn:
        assert conn.execute(RAW_TITLES).scalars().all() == ["A0", "A1", "B0", "B1"]


def test_raw_writes_cannot_reach_another_organization(orgs):
    engine, a, b = orgs
    with org_scope(a.id), engine.begin() as conn:
        assert conn.execute(text("UPDATE testtool_record SET title = title || '!'")).rowcount == 2
        assert conn.execute(text("DELETE FROM testtool_record WHERE title LIKE 'B%'")).rowcount == 0
    with org_scope(a.id), pytest.raises(DBAPIError, match="row-level security"):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO testtool_record (org_id, title) VALUES (:org, 'sneaky')"),
                         {"org": b.id})
    with all_organizations(), engine.connect() as conn:
        assert conn.execute(RAW_TITLES).scalars().all() == ["A0!", "A1!", "B0", "B1"]


def test_scope_changes_inside_one_transaction_follow_the_statements(orgs):
    engine, a, b = orgs
    with engine.begin() as conn:
        with org_scope(a.id):
            assert len(conn.execute(RAW_TITLES).all()) == 2
            with all_organizations():
                assert len(conn.execute(RAW_TITLES).all()) == 4
            assert len(conn.execute(RAW_TITLES).all()) == 2
        assert conn.execute(RAW_TITLES).all() == []


def test_settings_do_not_outlive_their_transaction(orgs):
    engine, a, _ = orgs
    with org_scope(a.id), engine.connect() as conn:
        conn.execute(RAW_TITLES).all()
        conn.commit()
    with engine.connect() as conn:  # the same pooled connection, no scope
        assert conn.execute(text("SELECT current_setting('trialoffice.org_id', true)")).scalar() in ("", None)
        assert conn.execute(RAW_TITLES).all() == []


def test_orm_scoping_and_row_security_agree(app, orgs):
    engine, a, b = orgs
    session = get_db(app).session
    for org in (a, b):
        with org_scope(org.id):
            orm_ids = sorted(session.scalars(select(TestRecord.id)))
            with engine.connect() as conn:
                raw_ids = sorted(conn.execute(text("SELECT id FROM testtool_record")).scalars())
        assert orm_ids == raw_ids and len(orm_ids) == 2


def test_db_upgrade_does_not_warn_for_a_confined_role(orgs, invoke):
    result = invoke("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output and "Warning" not in result.output


def test_a_role_that_escapes_row_security_is_named(orgs, monkeypatch):
    from host.tenancy import row_security_bypass

    engine, *_ = orgs
    assert row_security_bypass(engine) is None
    monkeypatch.setattr("host.tenancy.role_check.text", lambda _: text(
        "SELECT 'app', true, rolbypassrls FROM pg_roles WHERE rolname = current_user"))
    assert "'app' has SUPERUSER" in row_security_bypass(engine)
