"""Account, membership, token and license events land in the audit trail (ICH E6(R3) 4.2)."""
import pytest

from sdk.testing import submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import entries


@pytest.fixture
def acme(make_app, make_user, make_org, add_member, grant_license, login_as):
    app = make_app(plugins=["testtool"])
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    member = make_user("member@acme.example.org")
    add_member(org, member)
    return app, org, owner, member, login_as(owner)


def only(rows, **where):
    found = [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]
    assert len(found) == 1, [(r.entity_type, r.action, r.changes) for r in rows]
    return found[0]


def test_sign_in_and_failed_sign_in_are_audited(acme, client):
    app, org, owner, *_ = acme
    submit_form(client, "/login", {"email": owner.email, "password": "not the password 1"})
    submit_form(client, "/login", {"email": owner.email, "password": TEST_PASSWORD})
    submit_form(client, "/account", {}, action="/logout")
    rows = entries(app, org_id=None, tool="host", entity_type="user")
    failed = only(rows, action="login_failed")
    assert failed.entity_id == owner.email and failed.actor_type == "anonymous"
    ok = only(rows, action="login")
    assert ok.actor_label == owner.email and ok.entity_id == str(owner.id)
    assert only(rows, action="logout").actor_label == owner.email


def test_role_and_permission_changes_are_audited_in_the_org_chain(acme):
    app, org, owner, member, client = acme
    created = entries(app, org_id=org.id, entity_type="membership", action="create")
    mid = next(r.entity_id for r in created if r.changes["user_id"] == [None, member.id])
    granted = submit_form(client, f"/o/acme/members/{mid}/permissions", {"permission": "testtool:edit"})
    assert granted.status_code in (302, 303)
    promoted = submit_form(client, "/o/acme/members", {"role": "admin"}, action=f"/o/acme/members/{mid}/role")
    assert promoted.status_code in (302, 303)
    role = only(entries(app, org_id=org.id, entity_type="membership", action="update"), action="update")
    assert role.changes == {"role": ["member", "admin"]} and role.actor_label == owner.email
    grant = only(entries(app, org_id=org.id, entity_type="member_permission"), action="create")
    assert grant.changes["permission"] == [None, "edit"]


def test_invitations_and_tokens_are_audited_without_secrets(acme):
    app, org, owner, member, client = acme
    invited = submit_form(client, "/o/acme/members", {"email": "new@acme.example.org", "role": "member"},
                          action="/o/acme/members/invitations")
    assert invited.status_code == 201
    invitation = only(entries(app, org_id=org.id, entity_type="invitation"), action="create")
    assert invitation.changes["email"] == [None, "new@acme.example.org"]
    assert "token_hash" not in invitation.changes
    submit_form(client, "/o/acme/members", {},
                action=f"/o/acme/members/invitations/{invitation.entity_id}/revoke")
    revoked = only(entries(app, org_id=org.id, entity_type="invitation"), action="update")
    assert "revoked_at" in revoked.changes

    assert submit_form(client, "/o/acme/tokens", {"name": "ETL job"}).status_code == 201
    token = only(entries(app, org_id=org.id, entity_type="api_token"), action="create")
    assert token.changes["name"] == [None, "ETL job"] and "token_hash" not in token.changes
    submit_form(client, "/o/acme/tokens", {}, action=f"/o/acme/tokens/{token.entity_id}/revoke")
    assert "revoked_at" in only(entries(app, org_id=org.id, entity_type="api_token"), action="update").changes


def test_license_changes_are_audited_with_their_reason(acme, make_user, login_as):
    app, org, owner, member, client = acme
    started = submit_form(client, "/o/acme/tools", {}, action="/o/acme/tools/testtool/trial")
    assert started.status_code in (302, 303)
    trial = only(entries(app, org_id=org.id, entity_type="license"), action="create")
    assert trial.changes["status"] == [None, "trialing"] and "free trial" in trial.reason
    switch = only(entries(app, org_id=org.id, entity_type="tool_switch"), action="create")
    assert switch.changes["enabled"] == [None, True]

    admin = login_as(make_user("root@platform.example.org", platform_admin=True))
    lic_id = trial.entity_id
    response = submit_form(admin, f"/admin/licenses/{lic_id}", {"reason": "Unpaid invoice INV-7", "confirm": "y"},
                           action=f"/admin/licenses/{lic_id}/suspend")
    assert response.status_code in (302, 303)
    suspended = only(entries(app, org_id=org.id, entity_type="license"), action="update")
    assert suspended.changes["status"] == ["trialing", "suspended"]
    assert suspended.reason == "Unpaid invoice INV-7" and suspended.actor_label == "root@platform.example.org"


def test_password_change_is_audited_without_the_hash(acme):
    app, org, owner, member, client = acme
    response = submit_form(client, "/account", action="/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a brand new secret 9",
        "confirm_password": "a brand new secret 9"})
    assert response.status_code in (302, 303)
    changed = only(entries(app, org_id=None, entity_type="user", entity_id=str(owner.id)),
                   action="password_changed")
    assert changed.changes == {} and changed.actor_label == owner.email
    assert all("password_hash" not in (r.changes or {}) for r in entries(app, entity_type="user"))
