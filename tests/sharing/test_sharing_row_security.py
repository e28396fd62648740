"""Grants in PostgreSQL's row-level security: raw SQL as the app role sees exactly what the SDK's
scoping shows (the same predicate, generated twice), and a read-only grant writes nothing.

PostgreSQL only: SQLite has no row-level security (the SDK's scoping is the wall there)."""
import os

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from host.db import get_db
from sdk import org_scope
from sdk.tenancy import sharing_of
from sdk.tenancy.row_security import POLICY, WRITE_POLICY
from sdk.tenancy.tables import tenant_mappers
from tests.plugins.studytool.models import Study, StudyNote, StudySite, Subject
from tests.sharing.world import build_world

pytestmark = pytest.mark.skipif(
    "postgresql" not in os.environ.get("TRIALOFFICE_TEST_DATABASE_URL", ""),
    reason="row-level security exists on PostgreSQL only; this file runs in the PostgreSQL pass")

MODELS = (Study, StudySite, Subject, StudyNote)


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


def _raw_ids(world, org, model) -> list[int]:
    with org_scope(org.id), get_db(world.app).engine.connect() as conn:
        return sorted(conn.execute(text(f"SELECT id FROM {model.__tablename__}")).scalars())


def test_row_security_and_orm_scoping_agree_for_every_organization(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    world.share(world.cro, ["monitor"])
    for org in (world.sponsor, world.cro, world.site_org):
        for model in MODELS:
            assert _raw_ids(world, org, model) == world.visible(org, model), (org.slug, model.__name__)
    assert _raw_ids(world, world.site_org, Subject) == sorted(
        [world.subject_ids["S3-001"], world.subject_ids["S3-002"]])


def test_revoked_grant_hides_rows_from_raw_sql(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    world.end(grant_id)
    assert all(_raw_ids(world, world.site_org, model) == [] for model in MODELS)


def test_read_only_grantee_cannot_change_rows_with_raw_sql(world):
    world.share(world.cro, ["monitor"])
    with org_scope(world.cro.id), get_db(world.app).engine.begin() as conn:
        assert conn.execute(text("UPDATE studytool_note SET body = 'raw'")).rowcount == 0
        assert conn.execute(text("DELETE FROM studytool_subject")).rowcount == 0
        with pytest.raises(DBAPIError):
            with conn.begin_nested():
                conn.execute(text("INSERT INTO studytool_note (org_id, study_id, body) VALUES (:o, :s, 'x')"),
                             {"o": world.sponsor.id, "s": world.study_id})
    assert len(world.visible(world.sponsor, Subject)) == 3


def test_writable_site_grantee_writes_its_site_only_with_raw_sql(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    with org_scope(world.site_org.id), get_db(world.app).engine.begin() as conn:
        assert conn.execute(text("UPDATE studytool_subject SET code = code || '*'")).rowcount == 2
        with pytest.raises(DBAPIError):
            with conn.begin_nested():
                conn.execute(text("INSERT INTO studytool_subject (org_id, study_id, site_id, code) "
                                  "VALUES (:o, :s, :site, 'SNEAK')"),
                             {"o": world.sponsor.id, "s": world.study_id, "site": world.site_ids["Site 1"]})
    with org_scope(world.sponsor.id):
        session = world.session
        assert sorted(session.scalars(select(Subject.code))) == ["S1-001", "S3-001*", "S3-002*"]
        session.rollback()


def test_every_shared_model_has_read_and_write_policies_naming_its_record(world):
    with get_db(world.app).engine.connect() as conn:
        policies = {(t, p): (q or "") + (c or "") for t, p, q, c in conn.execute(text(
            "SELECT tablename, policyname, qual, with_check FROM pg_policies"))}
    shared = [m for m in tenant_mappers() if sharing_of(m.class_) is not None]
    assert {m.class_ for m in shared} >= set(MODELS)
    for mapper in shared:
        table, sharing = mapper.local_table.name, sharing_of(mapper.class_)
        for name in (POLICY, WRITE_POLICY):
            assert sharing.record_type in policies.get((table, name), ""), (table, name)


def test_grants_are_visible_to_their_two_parties_only(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    query = text("SELECT grantee_org_id FROM share_grant")
    engine = get_db(world.app).engine
    for org, expected in ((world.sponsor, [world.site_org.id]), (world.site_org, [world.site_org.id]),
                          (world.cro, [])):
        with org_scope(org.id), engine.connect() as conn:
            assert list(conn.execute(query).scalars()) == expected, org.slug
