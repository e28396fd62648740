"""Demo data: one organization of each type, every tool on trial with its demo data, idempotent."""
from __future__ import annotations

from sqlalchemy import select

from host.auth.passwords import verify_password
from host.db import get_db
from host.demo import DEMO_ADMIN, DEMO_ORGS, DEMO_PASSWORD, load_demo
from host.models import ORG_TYPES, License, Membership, Organization, OrgTool, User
from host.models.compliance import AuditEntry
from sdk.tenancy import org_scope
from tests.plugins import clitool
from tests.plugins.testtool.models import TestRecord


def _demo_orgs(session):
    return session.scalars(select(Organization).where(
        Organization.slug.in_([spec.slug for spec in DEMO_ORGS]))).all()


def test_the_demo_covers_every_organization_type():
    assert sorted(spec.type for spec in DEMO_ORGS) == sorted(ORG_TYPES)


def test_demo_command_loads_everything_and_prints_the_logins(app, invoke):
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    for spec in DEMO_ORGS:
        assert spec.owner.email in result.stdout and spec.member.email in result.stdout
    assert DEMO_ADMIN.email in result.stdout and DEMO_PASSWORD in result.stdout
    assert "demonstration only" in result.stderr
    with app.app_context():
        session = get_db(app).session
        admin = session.scalar(select(User).where(User.email == DEMO_ADMIN.email))
        assert admin.is_platform_admin
        hashes = {admin.password_hash}
        for spec in DEMO_ORGS:
            for person in (spec.owner, spec.member):
                user = session.scalar(select(User).where(User.email == person.email))
                assert user.name == person.name and not user.is_platform_admin
                hashes.add(user.password_hash)
        assert all(verify_password(stored, DEMO_PASSWORD) for stored in hashes)
        orgs = _demo_orgs(session)
        assert sorted(org.type for org in orgs) == sorted(ORG_TYPES)
        for org in orgs:
            roles = sorted(session.scalars(select(Membership.role).where(Membership.org_id == org.id)))
            assert roles == ["member", "owner"]
            with org_scope(org.id):
                lic = session.scalar(select(License).where(License.tool_key == "testtool"))
                assert lic.status == "trialing"
                assert session.scalar(select(OrgTool.enabled).where(OrgTool.tool_key == "testtool"))
                assert session.scalars(select(TestRecord.title)).all() == ["Demo record"]
            entry = session.scalar(select(AuditEntry).where(AuditEntry.org_id == org.id,
                                                            AuditEntry.tool == "testtool"))
            assert (entry.action, entry.actor_type, entry.actor_label) == ("create", "system",
                                                                           "trialoffice demo")


def test_demo_twice_changes_nothing(invoke, row_counts):
    first = invoke("demo")
    assert first.exit_code == 0, first.output
    loaded = row_counts()
    assert loaded["Organization"] == len(DEMO_ORGS) and loaded["TestRecord"] == len(DEMO_ORGS)
    second = invoke("demo")
    assert second.exit_code == 0, second.output
    assert "0 organization(s) and 0 tool trial(s) added" in second.stdout
    assert row_counts() == loaded


def test_a_failing_demo_hook_is_reported_and_leaves_that_tool_out(app, invoke, row_counts):
    result = invoke("demo", plugins=[clitool])
    assert result.exit_code == 0, result.output
    assert "demo data of 'clitool' failed" in result.stderr and "no demo for northwind" in result.stderr
    with app.app_context():
        session = get_db(app).session
        for org in _demo_orgs(session):
            with org_scope(org.id):
                keys = set(session.scalars(select(License.tool_key)))
                assert "testtool" in keys and "clitool" not in keys
    loaded = row_counts()
    assert invoke("demo", plugins=[clitool]).exit_code == 0
    assert row_counts() == loaded


def test_load_demo_completes_an_existing_installation(app, make_user, make_org):
    owner = make_user(DEMO_ORGS[0].owner.email, password="own secret 99")
    make_org(DEMO_ORGS[0].slug, type="sponsor", owner=owner, name="Already Here")
    with app.app_context():
        session = get_db(app).session
        report = load_demo(session)
        assert DEMO_ORGS[0].slug not in report.created_orgs
        assert len(report.created_orgs) == len(DEMO_ORGS) - 1
        assert (DEMO_ORGS[0].slug, "testtool") in report.tools_started
        shown = {login.email: login.password for login in report.logins}
        assert shown[owner.email] == "(unchanged)"
        assert shown[DEMO_ORGS[0].member.email] == DEMO_PASSWORD
        assert len(report.logins) == 1 + 2 * len(DEMO_ORGS)
        again = load_demo(session)
        assert (again.created_orgs, again.tools_started, again.problems) == ([], [], [])


def test_load_demo_leaves_a_foreign_organization_with_a_demo_slug_alone(app, make_user, make_org):
    stranger = make_user("someone@elsewhere.example.org")
    make_org(DEMO_ORGS[1].slug, type="cro", owner=stranger, name="Not A Demo")
    with app.app_context():
        session = get_db(app).session
        report = load_demo(session)
        assert any(f"'{DEMO_ORGS[1].slug}' exists" in problem for problem in report.problems)
        org = session.scalar(select(Organization).where(Organization.slug == DEMO_ORGS[1].slug))
        members = session.scalars(select(Membership.user_id).where(Membership.org_id == org.id)).all()
        assert members == [stranger.id]
        with org_scope(org.id):
            assert session.scalars(select(License)).all() == []
        assert len(report.created_orgs) == len(DEMO_ORGS) - 1
