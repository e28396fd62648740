"""The per-process tool-state cache, invalidated through ``organization.tools_version``.

Two apps on one database stand for two worker processes: a change made through one is served
by the other on its next request, with no restart and no shared memory.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from host.compliance.guards import UnauditedBulkChangeError
from host.db import get_db
from host.licensing import admin_change, set_enabled
from host.models import License, Organization, User
from host.runtime.toolstate import ToolState, ToolStateCache
from sdk import all_organizations, org_scope
from sdk.models import utcnow
from tests.generated_tools import make_tool
from tests.runtime_fixtures import signed_in, support_of

PAGE = "/o/acme/testtool/"


@pytest.fixture
def two_processes(app, app_with, fast_user):
    """Organization acme holding an active license for the test tool, switched off; the owner is
    signed in on the second app, whose cache is warm."""
    owner = fast_user("owner@acme.org")
    org = support_of(app).create_org("acme", owner=owner)
    support_of(app).grant_license(org, "testtool")
    second = app_with()
    client = signed_in(second, owner)
    assert client.get(PAGE).status_code == 402
    return {"first": app, "second": second, "client": client, "org": org, "owner": owner}


def in_first(world, action):
    """Run ``action(session, org, actor)`` in the first app and commit; returns the new version."""
    app = world["first"]
    with app.app_context():
        session = get_db(app).session
        org = session.get(Organization, world["org"].id)
        action(session, org, session.get(User, world["owner"].id))
        session.commit()
        return version_of(app, org.id)


def version_of(app, org_id: int) -> int:
    with app.app_context():
        return get_db(app).session.scalar(select(Organization.tools_version).where(Organization.id == org_id))


def test_enabling_in_one_process_is_served_by_the_other_at_once(two_processes):
    world = two_processes
    before = version_of(world["first"], world["org"].id)
    after = in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert after == before + 1
    assert world["client"].get(PAGE).status_code == 200
    in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", False, actor))
    assert world["client"].get(PAGE).status_code == 402


@pytest.mark.parametrize("action, served", [("suspend", False), ("revoke", False), ("extend", True),
                                            ("grant", True)])
def test_every_license_change_bumps_the_version(two_processes, action, served):
    world = two_processes
    in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert world["client"].get(PAGE).status_code == 200
    before = version_of(world["first"], world["org"].id)
    after = in_first(world, lambda s, org, actor: admin_change(s, org, "testtool", action, "test", actor))
    assert after > before
    assert world["client"].get(PAGE).status_code == (200 if served else 402)


def test_a_write_that_changes_nothing_keeps_the_version(two_processes):
    world = two_processes
    before = in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    after = in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert after == before
    assert world["client"].get(PAGE).status_code == 200


def test_license_change_in_one_org_bumps_only_that_organization(two_processes, fast_user):
    world = two_processes
    other = support_of(world["first"]).create_org("other", owner=fast_user("owner@other.org"))
    support_of(world["first"]).grant_license(other, "testtool", enable=True)
    in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert world["client"].get(PAGE).status_code == 200
    other_before = version_of(world["first"], other.id)

    def lapse_acme(session, org, actor):
        with org_scope(org.id):
            session.scalar(select(License).where(License.tool_key == "testtool")).status = "lapsed"
            session.flush()

    in_first(world, lapse_acme)
    assert world["client"].get(PAGE).status_code == 402
    assert version_of(world["first"], other.id) == other_before


def test_sweep_across_organizations_bumps_them_all_and_bulk_updates_are_refused(two_processes):
    """A sweep lapses licenses one by one (each change audited), and every process sees it."""
    world = two_processes
    in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert world["client"].get(PAGE).status_code == 200

    def bulk(session, org, actor):
        with all_organizations():
            session.execute(update(License).values(status="lapsed"))

    with pytest.raises(UnauditedBulkChangeError):
        in_first(world, bulk)

    def sweep(session, org, actor):
        with all_organizations():
            for lic in session.scalars(select(License)):
                lic.status = "lapsed"
            session.flush()

    in_first(world, sweep)
    assert world["client"].get(PAGE).status_code == 402


def test_expiry_by_date_needs_no_version_bump(two_processes):
    world = two_processes
    in_first(world, lambda s, org, actor: set_enabled(s, org, "testtool", True, actor))
    assert world["client"].get(PAGE).status_code == 200
    cache = world["second"].extensions["trialoffice.tool_states"]
    with world["second"].app_context():
        session = get_db(world["second"]).session
        state = cache.state(session, session.get(Organization, world["org"].id), "testtool")
    assert state.serves() and not state.serves(now=state.valid_until + timedelta(seconds=1))


def test_a_warm_cache_reads_nothing(two_processes):
    world = two_processes
    app = world["second"]
    cache: ToolStateCache = app.extensions["trialoffice.tool_states"]
    with app.app_context():
        session = get_db(app).session
        org = session.get(Organization, world["org"].id)
        statements = []
        engine = get_db(app).engine

        def listener(conn, cursor, statement, *rest):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            first = cache.states(session, org)
            second = cache.states(session, org)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert first is second and first["testtool"].license_status == "active"
    assert statements == [], "the warm-up request already cached this organization"


def test_enable_and_disable_callbacks_run_isolated(app_with, fast_user):
    calls = []

    def tool_enabled(org, user):
        calls.append(("enabled", org.slug, user.email))
        raise RuntimeError("setup failed")

    tool = make_tool("switchy", tool_enabled=tool_enabled,
                     tool_disabled=lambda org, user: calls.append(("disabled", org.slug, user.email)))
    app = app_with(tool)
    owner = fast_user("owner@acme.org")
    org_ref = support_of(app).create_org("acme", owner=owner)
    support_of(app).grant_license(org_ref, "switchy")
    with app.app_context():
        session = get_db(app).session
        org, actor = session.get(Organization, org_ref.id), session.get(User, owner.id)
        set_enabled(session, org, "switchy", True, actor)
        session.commit()
        set_enabled(session, org, "switchy", False, actor)
        session.commit()
    assert calls == [("enabled", "acme", "owner@acme.org"), ("disabled", "acme", "owner@acme.org")]
    assert app.extensions["trialoffice.registry"].records["switchy"].failures == {"tool_enabled": 1}


NOW = utcnow()


@pytest.mark.parametrize("status, until, enabled, entitled, serves", [
    ("active", NOW + timedelta(days=1), True, True, True),
    ("trialing", NOW + timedelta(days=1), True, True, True),
    ("grace", NOW + timedelta(days=1), True, True, True),
    ("active", None, True, True, True),
    ("active", NOW - timedelta(seconds=1), True, False, False),
    ("active", NOW + timedelta(days=1), False, True, False),
    ("lapsed", NOW + timedelta(days=1), True, False, False),
    ("suspended", None, True, False, False),
    (None, None, True, False, False),
])
def test_tool_state_serves_only_when_entitled_and_enabled(status, until, enabled, entitled, serves):
    state = ToolState("t", enabled=enabled, license_status=status, valid_until=until)
    assert state.entitled(now=NOW) is entitled
    assert state.serves(now=NOW) is serves
