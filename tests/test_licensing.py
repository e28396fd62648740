"""The licensing service used by pages, the API and the CLI: trials, the switch, admin changes."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from host.db import get_db
from host.licensing import LicensingError, admin_change, set_enabled, start_trial, trial_days
from host.models import AuditEntry, License, Organization, OrgTool, User
from sdk import Manifest, Plan
from sdk.audit import to_jsonable
from sdk.models import utcnow
from sdk.tenancy import org_scope


@pytest.fixture
def ctx(make_app, make_user, make_org):
    """An app context outside any request (as the CLI and admin code run), with an org and actor."""
    app = make_app(plugins=["testtool"])
    owner = make_user("owner@acme.org")
    org_ref = make_org("acme", owner=owner)
    with app.app_context():
        session = get_db(app).session
        yield session, session.get(Organization, org_ref.id), session.get(User, owner.id)


def _rows(session, org, model):
    with org_scope(org.id):
        return list(session.scalars(select(model).order_by(model.id)))


def _license_entries(session, org):
    """The audit trail's license entries of ``org`` (the trail is not a tenant table)."""
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.org_id == org.id, AuditEntry.entity_type == "license").order_by(AuditEntry.id)))


def test_trial_licenses_the_cheapest_monthly_plan_and_switches_the_tool_on(ctx):
    session, org, actor = ctx
    version = org.tools_version
    lic = start_trial(session, org, "testtool", actor)
    session.commit()
    assert (lic.status, lic.plan_code, lic.seats) == ("trialing", "team", 3)
    assert timedelta(days=13, hours=23) < lic.trial_ends_at - utcnow() <= timedelta(days=14)
    assert lic.valid_until == lic.trial_ends_at
    [switch] = _rows(session, org, OrgTool)
    assert switch.enabled and switch.changed_by_id == actor.id
    [change] = _license_entries(session, org)
    assert (change.action, change.changes["status"], change.actor_label) == (
        "create", [None, "trialing"], actor.email)
    assert change.reason == "14-day free trial started" and change.actor_id == str(actor.id)
    session.refresh(org)
    assert org.tools_version > version


def test_trial_only_once(ctx):
    session, org, actor = ctx
    start_trial(session, org, "testtool", actor)
    session.commit()
    with pytest.raises(LicensingError, match="only once"):
        start_trial(session, org, "testtool", actor)


def test_unknown_tool_is_refused(ctx):
    session, org, actor = ctx
    with pytest.raises(LicensingError, match="no available tool"):
        start_trial(session, org, "nope", actor)


def test_trial_days_follow_the_trial_plan():
    base = dict(key="demo", name="Demo", summary="s", version="1", publisher="p", api_level=1)
    assert trial_days(Manifest(**base, plans=(Plan("y", "Yearly", 100, interval="year", trial_days=30),
                                              Plan("m", "Monthly", 900, trial_days=7)))) == 7
    assert trial_days(Manifest(**base, plans=(Plan("m", "Monthly", 900, trial_days=0),))) == 0
    assert trial_days(Manifest(**base)) == 14


def test_enable_needs_an_entitling_license(ctx):
    session, org, actor = ctx
    with pytest.raises(LicensingError, match="needs a trial or a license"):
        set_enabled(session, org, "testtool", True, actor)
    set_enabled(session, org, "testtool", False, actor)
    session.commit()  # outside any org scope: every row was flushed inside one
    assert [r.enabled for r in _rows(session, org, OrgTool)] == [False]


def test_admin_change_requires_a_reason_and_valid_numbers(ctx):
    session, org, actor = ctx
    for kwargs, message in [({"reason": ""}, "reason is required"),
                            ({"reason": "x", "days": 0}, "between 1 and"),
                            ({"reason": "x", "seats": 0}, "Seats must be"),
                            ({"reason": "x", "plan": "gold"}, "no plan")]:
        reason = kwargs.pop("reason")
        with pytest.raises(LicensingError, match=message):
            admin_change(session, org, "testtool", "grant", reason, actor, **kwargs)
    with pytest.raises(LicensingError, match="Unknown action"):
        admin_change(session, org, "testtool", "delete", "x", actor)
    with pytest.raises(LicensingError, match="holds no license"):
        admin_change(session, org, "testtool", "extend", "x", actor)
    assert _rows(session, org, License) == [] and _license_entries(session, org) == []


def test_suspending_a_suspended_license_is_refused(ctx):
    session, org, actor = ctx
    admin_change(session, org, "testtool", "grant", "pilot", actor)
    admin_change(session, org, "testtool", "suspend", "unpaid", actor)
    session.commit()
    with pytest.raises(LicensingError, match="already suspended"):
        admin_change(session, org, "testtool", "suspend", "still unpaid", actor)
    assert [e.reason for e in _license_entries(session, org)] == ["pilot", "unpaid"]


def test_admin_changes_write_history_and_commit_outside_a_request(ctx):
    session, org, actor = ctx
    lic = admin_change(session, org, "testtool", "grant", "pilot", actor, plan="basic", seats=2, days=10)
    session.commit()
    assert (lic.status, lic.plan_code, lic.seats) == ("active", "basic", 2)
    until = lic.valid_until
    admin_change(session, org, "testtool", "extend", "goodwill", actor, days=5)
    admin_change(session, org, "testtool", "suspend", "unpaid", actor)
    admin_change(session, org, "testtool", "revoke", "contract ended", actor)
    session.commit()
    assert lic.status == "lapsed" and not lic.entitled()
    entries = _license_entries(session, org)
    history = [(e.action, e.changes.get("status"), e.reason, e.actor_label) for e in entries]
    assert history == [("create", [None, "active"], "pilot", actor.email),
                       ("update", None, "goodwill", actor.email),
                       ("update", ["active", "suspended"], "unpaid", actor.email),
                       ("update", ["suspended", "lapsed"], "contract ended", actor.email)]
    assert entries[1].changes["valid_until"] == [to_jsonable(until), to_jsonable(until + timedelta(days=5))]


def test_extending_a_trial_moves_its_end(ctx):
    session, org, actor = ctx
    lic = start_trial(session, org, "testtool", actor)
    ends = lic.trial_ends_at
    admin_change(session, org, "testtool", "extend", "more time to evaluate", actor, days=7)
    session.commit()
    assert lic.status == "trialing"
    assert lic.trial_ends_at == lic.valid_until == ends + timedelta(days=7)


def test_extending_a_lapsed_license_reactivates_it(ctx):
    session, org, actor = ctx
    admin_change(session, org, "testtool", "grant", "pilot", actor)
    admin_change(session, org, "testtool", "revoke", "mistake", actor)
    lic = admin_change(session, org, "testtool", "extend", "undo the mistake", actor, days=30)
    session.commit()
    assert lic.status == "active" and lic.entitled()
    assert lic.valid_until > utcnow() + timedelta(days=29)


def test_grant_defaults_to_the_plans_minimum_seats_and_keeps_existing_ones(ctx):
    session, org, actor = ctx
    lic = admin_change(session, org, "testtool", "grant", "team pilot", actor, plan="team")
    assert lic.seats == 3
    admin_change(session, org, "testtool", "grant", "more seats", actor, seats=8)
    lic = admin_change(session, org, "testtool", "grant", "renewal", actor, plan="basic")
    session.commit()
    assert (lic.plan_code, lic.seats) == ("basic", 8)


def test_overlong_reason_is_refused(ctx):
    session, org, actor = ctx
    with pytest.raises(LicensingError, match="500 characters"):
        admin_change(session, org, "testtool", "grant", "x" * 501, actor)


def test_every_new_session_factory_gets_scoping_and_the_version_bump():
    """Apps come and go (tests, reloads): a new sessionmaker may reuse the ``id()`` of a collected
    one, which SQLAlchemy's ``event.contains`` mistakes for "already installed"."""
    import gc

    from sqlalchemy.orm import sessionmaker

    from host.runtime.toolstate import _bump_tools_version, install_version_bump
    from sdk.tenancy import TenantSession, install_tenant_scoping
    from sdk.tenancy.unit_of_work import guard_flush

    survivors, missing = [], 0
    for i in range(60):
        factory = sessionmaker(class_=TenantSession)
        install_tenant_scoping(factory)
        install_tenant_scoping(factory)  # the SDK's install is idempotent
        install_version_bump(factory)
        listeners = list(factory().dispatch.before_flush)
        missing += listeners.count(guard_flush) != 1 or listeners.count(_bump_tools_version) != 1
        if i % 2:
            survivors.append(factory)
        del factory
        gc.collect(1)  # frees the factory's class, so the next one can get its id
    assert missing == 0
