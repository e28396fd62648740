"""Demo data: one organization of each type, every tool on trial with its demo data, idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from host.auth.passwords import verify_password
from host.db import get_db
from host.demo import DEMO_ADMIN, DEMO_ORGS, DEMO_PASSWORD, load_demo
from host.demo_roles import DEMO_ROLES, DemoRole
from host.models import ORG_TYPES, License, MemberRole, Membership, Organization, OrgTool, ShareGrant, User
from host.models.compliance import AuditEntry
from sdk.tenancy import all_organizations, org_scope
from tests.generated_tools import make_tool
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


def test_every_demo_organization_exists_before_any_tools_demo_data(app, invoke):
    """So that a tool's demo (rtsm's) may share with the other demo organizations."""
    seen = []

    def count_orgs(org, user):
        with all_organizations():
            seen.append(get_db(app).session.scalar(select(func.count(Organization.id))))
    result = invoke("demo", plugins=[make_tool("orgcounter", demo_data=count_orgs)])
    assert result.exit_code == 0, result.output
    assert seen == [len(DEMO_ORGS)] * len(DEMO_ORGS)


def test_shares_between_demo_organizations_are_accepted_by_the_grantees_owner(app, invoke):
    assert invoke("demo").exit_code == 0
    with app.app_context(), all_organizations():
        session = get_db(app).session
        demo_ids = set(session.scalars(select(Organization.id).where(
            Organization.slug.in_([spec.slug for spec in DEMO_ORGS]))))
        shares = session.scalars(select(ShareGrant)).all()
        assert all(grant.owner_org_id in demo_ids and grant.grantee_org_id in demo_ids for grant in shares)
        assert [grant.status for grant in shares] == ["active"] * len(shares)
        owners = {spec.slug: spec.owner.email for spec in DEMO_ORGS}
        for grant in shares:
            assert session.get(User, grant.decided_by_id).email == owners[grant.grantee.slug]


def _roles_held(session) -> set[tuple[str, str, str, str | None]]:
    """(organization, email, tool:role, owner of the shared record or None) of every tool role."""
    held = set()
    for role in session.scalars(select(MemberRole)):
        membership = session.get(Membership, role.membership_id)
        on_share_of = None
        if role.record_type is not None and role.org_id != _owner_of(session, role):
            on_share_of = session.get(Organization, _owner_of(session, role)).slug
        held.add((membership.org.slug, membership.user.email, f"{role.tool_key}:{role.role_key}", on_share_of))
    return held


def _owner_of(session, role: MemberRole) -> int:
    return session.scalar(select(ShareGrant.owner_org_id).where(
        ShareGrant.record_type == role.record_type, ShareGrant.record_id == role.record_id).limit(1))


def test_demo_people_get_their_tool_roles_and_owners_stay_without_any(app, invoke):
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    registry = app.extensions["trialoffice.registry"]
    expected = {(r.org, r.email, f"{r.tool}:{r.role}", r.on_share_of) for r in DEMO_ROLES
                if registry.manifest(r.tool) is not None}
    with app.app_context(), all_organizations():
        assert _roles_held(get_db(app).session) == expected
    sponsor = DEMO_ORGS[0]
    assert sponsor.owner.email not in {email for _, email, _, _ in expected}  # blinded: no role by rank
    for wanted in DEMO_ROLES:
        if registry.manifest(wanted.tool) is not None:
            line = next(line for line in result.stdout.splitlines() if wanted.email in line)
            assert f"{wanted.tool}: " in line and wanted.role in line


def test_a_demo_role_whose_share_is_missing_is_reported_not_fatal(app, monkeypatch):
    missing = DemoRole("helix-cro", DEMO_ORGS[1].member.email, "testtool", "reviewer", "northwind")
    monkeypatch.setattr("host.demo_roles.DEMO_ROLES", (missing,))
    with app.app_context():
        report = load_demo(get_db(app).session)
    assert report.problems == [f"helix-cro: no share of testtool from northwind with the role 'reviewer', "
                               f"so {DEMO_ORGS[1].member.email} was not given it."]
    assert report.roles_given == []


def test_demo_data_shared_runs_after_the_shares_are_accepted(app, invoke):
    """So that a tool's demo may act in another organization's shared record (a site files into
    its sponsor's binder): every organization that got the tool runs it, once, with the shares
    between demo organizations already active."""
    seen = []

    def pending_shares(org, user):
        with all_organizations():
            pending = get_db(app).session.scalar(select(func.count(ShareGrant.id)).where(ShareGrant.status == "pending"))
        seen.append((org.slug, pending))
    tool = make_tool("sharedwatcher", demo_data=lambda org, user: None, demo_data_shared=pending_shares)
    result = invoke("demo", plugins=[tool])
    assert result.exit_code == 0, result.output
    assert sorted(slug for slug, _ in seen) == sorted(spec.slug for spec in DEMO_ORGS)
    assert {pending for _, pending in seen} == {0}
    assert invoke("demo", plugins=[tool]).exit_code == 0
    assert len(seen) == len(DEMO_ORGS)  # a second run adds no trial, so it runs nothing again
