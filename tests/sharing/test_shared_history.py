"""A shared record's audit history lives in its owner's chain: a grantee whose grant covers the
record reads the owner's entries (``tool().audit.history``/``history_many`` and the record
history block); a record the grant does not cover, or an organization without a grant, reads
nothing."""
import pytest

from sdk import org_scope, tool
from sdk.audit import reason_for_change
from tests.plugins.studytool.models import Subject
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world


@pytest.fixture
def world(app, support, fast_user):
    world = build_world(app, support, fast_user)
    world.site_grant_id = world.share(world.site_org, ["investigator"], site="Site 3")
    with world.app.test_request_context(), org_scope(world.sponsor.id):
        session = world.session
        for code in ("S3-001", "S1-001"):
            with reason_for_change("Transcription error"):
                session.get(Subject, world.subject_ids[code]).code = f"{code}-R"
                session.commit()
        with world.support.running_tool("studytool"):
            tool().audit.record(entity_type="subject", entity_id=str(world.subject_ids["S3-001"]),
                                action="review", reason="Source verified")
        session.commit()
    world.session.remove()
    return world


def _as(world, org, read):
    with world.app.test_request_context(f"/o/{org.slug}/studytool/"), \
            world.support.running_tool("studytool"), org_scope(org.id):
        try:
            return read()
        finally:
            world.session.rollback()
            world.session.remove()


def _history(world, org, code):
    return _as(world, org, lambda: tool().audit.history(entity_type="subject",
                                                         entity_id=str(world.subject_ids[code])))


def _shape(entries):
    return [(e.action, e.changes.get("code"), e.reason) for e in entries]


def test_grantee_reads_the_owners_history_of_a_covered_record(world):
    owners = _history(world, world.sponsor, "S3-001")
    assert _shape(owners) == [("create", [None, "S3-001"], None),
                              ("update", ["S3-001", "S3-001-R"], "Transcription error"),
                              ("review", None, "Source verified")]
    assert _history(world, world.site_org, "S3-001") == owners


def test_not_of_a_record_the_grant_does_not_cover(world):
    assert _history(world, world.sponsor, "S1-001") != []
    assert _history(world, world.site_org, "S1-001") == []


def test_history_many_equals_history_record_by_record(world):
    ids = [str(i) for i in world.subject_ids.values()] + ["999999", "not-an-id"]
    for org in (world.sponsor, world.site_org, world.cro):
        many = _as(world, org, lambda: tool().audit.history_many("subject", ids))
        assert list(many) == ids
        assert many == {i: _as(world, org, lambda i=i: tool().audit.history(entity_type="subject", entity_id=i))
                        for i in ids}
    site = _as(world, world.site_org, lambda: tool().audit.history_many("subject", ids))
    assert [bool(site[str(world.subject_ids[c])]) for c in ("S1-001", "S3-001", "S3-002")] == [False, True, True]
    by_int = _as(world, world.sponsor, lambda: tool().audit.history_many("subject", [world.subject_ids["S3-001"]]))
    assert list(by_int) == [world.subject_ids["S3-001"]] and len(by_int[world.subject_ids["S3-001"]]) == 3


def test_an_organization_without_a_grant_reads_nothing(world):
    """The CRO holds no grant in this world; the site organization loses its grant."""
    ids = [str(i) for i in world.subject_ids.values()]
    assert _as(world, world.cro, lambda: tool().audit.history_many("subject", ids)) == {i: [] for i in ids}
    assert _history(world, world.cro, "S3-001") == []
    assert _history(world, world.site_org, "S3-001") != []
    world.end(world.site_grant_id)
    assert _history(world, world.site_org, "S3-001") == []
    assert _as(world, world.site_org, lambda: tool().audit.history_many("subject", ids)) == {i: [] for i in ids}


def test_the_record_history_block_shows_a_grantee_the_owners_history(world):
    page = f"/o/site-org/studytool/studies/{world.study_id}/subjects/{world.subject_ids['S3-001']}"
    html = signed_in(world.app, world.site_owner).get(page).get_data(as_text=True)
    history = html.split('class="record-history"')[1].split("</section>")[0]
    assert "Transcription error" in history and "S3-001-R" in history and "No changes recorded" not in history


def test_history_many_reads_the_entries_in_one_query(world):
    from sqlalchemy import event

    from host.db import get_db

    statements = []

    def count(conn, cursor, statement, *args):
        if "audit_entry" in statement:
            statements.append(statement)

    engine = get_db(world.app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        ids = [str(i) for i in world.subject_ids.values()]
        many = _as(world, world.site_org, lambda: tool().audit.history_many("subject", ids))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum(len(entries) for entries in many.values()) == 4 and len(statements) == 1
