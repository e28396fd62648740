"""The license sweep lapses exactly the expired licenses, audited, once; the tool then answers 402."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from host.db import get_db
from host.licensing_sweep import sweep_licenses
from host.models import License
from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope
from tests.compliance_helpers import entries


def _expire(app, org, tool_key, days_ago=1):
    """Move a license's validity into the past through the ORM, as time passing would."""
    with app.app_context(), org_scope(org.id), reason_for_change("test: time passes"):
        session = get_db(app).session
        lic = session.scalar(select(License).where(License.tool_key == tool_key))
        lic.valid_until = utcnow() - timedelta(days=days_ago)
        session.commit()


def _statuses(app) -> dict[tuple[int, str], str]:
    with app.app_context(), all_organizations():
        session = get_db(app).session
        return {(lic.org_id, lic.tool_key): lic.status for lic in session.scalars(select(License))}


def _fleet(app, make_user, make_org, grant_license):
    """acme: expired trialing/active/grace, a current one, an expired suspension; beta: current."""
    owner = make_user("owner@acme.example.org")
    acme = make_org("acme", owner=owner)
    beta = make_org("beta", owner=make_user("owner@beta.example.org"))
    for key, status in (("testtool", "active"), ("trialtool", "trialing"), ("gracetool", "grace"),
                        ("suspendedtool", "suspended"), ("currenttool", "active")):
        grant_license(acme, key, status=status, enable=key == "testtool")
    grant_license(beta, "testtool", status="active")
    for key in ("testtool", "trialtool", "gracetool", "suspendedtool"):
        _expire(app, acme, key)
    return owner, acme, beta


def test_sweep_lapses_exactly_the_expired_licenses(app, make_user, make_org, grant_license):
    owner, acme, beta = _fleet(app, make_user, make_org, grant_license)
    with app.app_context():
        session = get_db(app).session
        report = sweep_licenses(session)
        session.commit()
    assert sorted(report.affected) == [("acme", "gracetool"), ("acme", "testtool"), ("acme", "trialtool")]
    assert report.counts == {"active": 1, "grace": 1, "trialing": 1}
    statuses = _statuses(app)
    assert statuses[(acme.id, "testtool")] == statuses[(acme.id, "trialtool")] == "lapsed"
    assert statuses[(acme.id, "gracetool")] == "lapsed"
    assert statuses[(acme.id, "suspendedtool")] == "suspended"
    assert statuses[(acme.id, "currenttool")] == "active"
    assert statuses[(beta.id, "testtool")] == "active"


def test_each_lapse_is_audited_with_reason_and_sweep_actor(app, make_user, make_org, grant_license):
    _owner, acme, _beta = _fleet(app, make_user, make_org, grant_license)
    with app.app_context():
        session = get_db(app).session
        sweep_licenses(session)
        session.commit()
    lapses = [e for e in entries(app, tool="host", entity_type="license", action="update")
              if (e.changes or {}).get("status", [None, None])[1] == "lapsed"]
    assert len(lapses) == 3
    assert {e.changes["status"][0] for e in lapses} == {"active", "trialing", "grace"}
    for entry in lapses:
        assert entry.org_id == acme.id
        assert entry.actor_type == "system" and entry.actor_label == "license sweep"
        assert entry.reason.startswith("license sweep: expired on ")


def test_second_sweep_changes_nothing(app, make_user, make_org, grant_license):
    _fleet(app, make_user, make_org, grant_license)
    with app.app_context():
        session = get_db(app).session
        assert sweep_licenses(session).total == 3
        session.commit()
    before, audit_before = _statuses(app), len(entries(app))
    with app.app_context():
        session = get_db(app).session
        second = sweep_licenses(session)
        session.commit()
    assert second.total == 0 and second.affected == []
    assert _statuses(app) == before and len(entries(app)) == audit_before


def test_cli_dry_run_changes_nothing_then_sweep_lapses(app, make_user, make_org, grant_license, invoke):
    _owner, acme, _beta = _fleet(app, make_user, make_org, grant_license)
    before, audit_before = _statuses(app), len(entries(app))
    dry = invoke("licenses", "sweep", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would lapse 3 license(s)" in dry.output and "gracetool" in dry.output
    assert _statuses(app) == before and len(entries(app)) == audit_before

    real = invoke("licenses", "sweep")
    assert real.exit_code == 0, real.output
    assert "Lapsed 3 license(s): 1 active, 1 grace, 1 trialing." in real.output
    assert _statuses(app)[(acme.id, "testtool")] == "lapsed"
    again = invoke("licenses", "sweep")
    assert again.exit_code == 0 and "nothing to lapse" in again.output


def test_sweep_help_says_how_to_schedule_it(invoke):
    result = invoke("licenses", "sweep", "--help")
    assert result.exit_code == 0 and "cron" in result.output and "hourly" in result.output


def test_lapsed_tool_answers_402(app, make_user, make_org, grant_license, login_as):
    owner = make_user("owner@acme.example.org")
    acme = make_org("acme", owner=owner)
    grant_license(acme, "testtool", enable=True)
    client = login_as(owner)
    assert client.get("/o/acme/testtool/").status_code == 200
    _expire(app, acme, "testtool")
    with app.app_context():
        session = get_db(app).session
        assert sweep_licenses(session).affected == [("acme", "testtool")]
        session.commit()
    assert _statuses(app)[(acme.id, "testtool")] == "lapsed"
    assert client.get("/o/acme/testtool/").status_code == 402


def test_license_without_end_date_never_lapses(app, make_user, make_org, grant_license):
    acme = make_org("acme", owner=make_user("owner@acme.example.org"))
    grant_license(acme, "testtool")
    with app.app_context(), org_scope(acme.id), reason_for_change("test: perpetual"):
        session = get_db(app).session
        session.scalar(select(License)).valid_until = None
        session.commit()
    with app.app_context():
        session = get_db(app).session
        assert sweep_licenses(session, now=utcnow() + timedelta(days=36500)).total == 0
