"""Members: roles and their rules, removal, leaving, per-tool permissions, tenant isolation."""
from html import unescape

import pytest
from sqlalchemy import select

from host.db import db_session
from host.models import ApiToken, MemberPermission, Membership
from sdk.testing import post_with_token, submit_form


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


class Org:
    """An organization with an owner, an admin and a member (and their membership ids)."""

    def __init__(self, app, make_user, make_org, add_member, slug):
        self.app = app
        self.owner = make_user(f"owner@{slug}.org", name=f"Owner {slug}")
        self.admin = make_user(f"admin@{slug}.org", name=f"Admin {slug}")
        self.member = make_user(f"member@{slug}.org", name=f"Member {slug}")
        self.org = make_org(slug, owner=self.owner)
        add_member(self.org, self.admin, role="admin")
        add_member(self.org, self.member, role="member")
        self.ids = {u.email.split("@")[0]: self.membership(u).id for u in (self.owner, self.admin, self.member)}

    def membership(self, user) -> Membership | None:
        with self.app.app_context():
            return db_session().scalar(select(Membership).where(Membership.org_id == self.org.id,
                                                                Membership.user_id == user.id))

    def role(self, user) -> str | None:
        found = self.membership(user)
        return found.role if found else None


@pytest.fixture
def acme(app, make_user, make_org, add_member):
    return Org(app, make_user, make_org, add_member, "acme")


@pytest.fixture
def beta(app, make_user, make_org, add_member):
    return Org(app, make_user, make_org, add_member, "beta")


def set_role(client, slug, membership_id, role):
    """Posts whether or not the page offers this client the form (refusals are tested too)."""
    return post_with_token(client, f"/o/{slug}/members/{membership_id}/role", {"role": role})


# --- viewing ----------------------------------------------------------------------------------

def test_any_member_sees_the_list_with_roles(acme, login_as):
    r = login_as(acme.member).get("/o/acme/members")
    assert r.status_code == 200
    text = page(r)
    for name in ("Owner acme", "Admin acme", "Member acme"):
        assert name in text
    assert "Create invitation link" not in text and "/role" not in text  # no admin controls
    rows = text[text.index("<tbody>"):]
    assert rows.index("Owner acme") < rows.index("Admin acme") < rows.index("Member acme")


def test_admin_sees_controls(acme, login_as):
    text = page(login_as(acme.admin).get("/o/acme/members"))
    assert "Create invitation link" in text and f"/o/acme/members/{acme.ids['member']}/role" in text
    assert f"/o/acme/members/{acme.ids['owner']}/role" not in text  # admins cannot touch owners


def test_non_member_gets_404_and_anonymous_is_sent_to_sign_in(acme, beta, login_as, client):
    assert login_as(beta.owner).get("/o/acme/members").status_code == 404
    assert login_as(beta.owner).get("/o/nowhere/members").status_code == 404
    r = client.get("/o/acme/members")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


# --- roles ------------------------------------------------------------------------------------

def test_member_cannot_change_roles_or_remove(acme, login_as):
    client = login_as(acme.member)
    assert set_role(client, "acme", acme.ids["admin"], "member").status_code == 403
    assert set_role(client, "acme", acme.ids["member"], "admin").status_code == 403
    assert post_with_token(client, f"/o/acme/members/{acme.ids['admin']}/remove").status_code == 403
    assert (acme.role(acme.admin), acme.role(acme.member)) == ("admin", "member")


def test_admin_promotes_and_demotes_members_and_admins(acme, login_as):
    client = login_as(acme.admin)
    r = submit_form(client, "/o/acme/members", {"role": "admin"},
                    action=f"/o/acme/members/{acme.ids['member']}/role")
    assert r.status_code == 302
    assert acme.role(acme.member) == "admin"
    assert "Member acme is now admin." in page(client.get("/o/acme/members"))
    assert set_role(client, "acme", acme.ids["member"], "member").status_code == 302
    assert acme.role(acme.member) == "member"


@pytest.mark.parametrize("target, role", [("member", "owner"), ("owner", "admin"), ("owner", "member")])
def test_only_owners_grant_or_take_away_owner(acme, login_as, target, role):
    r = set_role(login_as(acme.admin), "acme", acme.ids[target], role)
    assert r.status_code == 403
    assert "Only owners can grant or take away the owner role." in page(r)
    assert acme.role(getattr(acme, target)) == ("owner" if target == "owner" else "member")


def test_admin_cannot_remove_an_owner(acme, login_as):
    r = post_with_token(login_as(acme.admin), f"/o/acme/members/{acme.ids['owner']}/remove")
    assert r.status_code == 403
    assert acme.role(acme.owner) == "owner"


def test_owner_grants_owner_and_then_may_step_down(acme, login_as):
    client = login_as(acme.owner)
    assert set_role(client, "acme", acme.ids["admin"], "owner").status_code == 302
    assert acme.role(acme.admin) == "owner"
    assert set_role(client, "acme", acme.ids["owner"], "member").status_code == 302
    assert acme.role(acme.owner) == "member"


def test_last_owner_can_never_be_demoted_removed_or_leave(acme, login_as):
    client = login_as(acme.owner)
    for role in ("admin", "member"):
        r = set_role(client, "acme", acme.ids["owner"], role)
        assert r.status_code == 409 and "is the last owner" in page(r)
    assert post_with_token(client, f"/o/acme/members/{acme.ids['owner']}/remove").status_code == 409
    assert post_with_token(client, "/o/acme/members/leave").status_code == 409
    assert acme.role(acme.owner) == "owner"


@pytest.mark.parametrize("role", ["superuser", ""])
def test_unknown_role_is_refused(acme, login_as, role):
    r = set_role(login_as(acme.owner), "acme", acme.ids["member"], role)
    assert r.status_code == 400 and "Choose a role" in page(r)
    assert acme.role(acme.member) == "member"


# --- removal and leaving ----------------------------------------------------------------------

def test_remove_member_takes_permissions_and_api_tokens_away(app, acme, login_as, support):
    with app.app_context():
        db_session().add(MemberPermission(org_id=acme.org.id, membership_id=acme.ids["member"],
                                          tool_key="testtool", permission="edit"))
        db_session().commit()
    raw = support.issue_token(acme.org, acme.member)
    r = submit_form(login_as(acme.admin), "/o/acme/members", {},
                    action=f"/o/acme/members/{acme.ids['member']}/remove")
    assert r.status_code == 302
    assert acme.membership(acme.member) is None
    with app.app_context():
        assert db_session().scalars(select(MemberPermission)).all() == []
        assert db_session().scalar(select(ApiToken.revoked_at)) is not None
    assert login_as(acme.member).get("/o/acme/members").status_code == 404
    assert app.test_client().get("/api/v1/o/acme/tools",
                                 headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_admin_removing_themselves_leaves(acme, login_as):
    r = submit_form(login_as(acme.admin), "/o/acme/members", {},
                    action=f"/o/acme/members/{acme.ids['admin']}/remove")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert acme.membership(acme.admin) is None


def test_member_leaves(acme, login_as):
    client = login_as(acme.member)
    assert "Leave Acme" in page(client.get("/o/acme/members"))
    assert submit_form(client, "/o/acme/members", {}, action="/o/acme/members/leave").status_code == 302
    assert acme.membership(acme.member) is None


# --- tenant isolation -------------------------------------------------------------------------

def test_admin_of_one_org_cannot_touch_another(acme, beta, login_as):
    client = login_as(acme.admin)
    assert client.get("/o/beta/members").status_code == 404
    assert set_role(client, "beta", beta.ids["member"], "admin").status_code == 404
    assert post_with_token(client, f"/o/beta/members/{beta.ids['member']}/remove").status_code == 404
    # the other org's membership id through one's own org:
    assert set_role(client, "acme", beta.ids["member"], "admin").status_code == 404
    assert post_with_token(client, f"/o/acme/members/{beta.ids['member']}/remove").status_code == 404
    assert client.get(f"/o/acme/members/{beta.ids['member']}/permissions").status_code == 404
    assert post_with_token(client, f"/o/acme/members/{beta.ids['member']}/permissions",
                       data={"permission": "testtool:edit"}).status_code == 404
    assert (beta.role(beta.member), beta.role(beta.admin)) == ("member", "admin")
    assert "Member beta" not in page(client.get("/o/acme/members"))


# --- per-tool permissions ---------------------------------------------------------------------

@pytest.fixture
def tool_app(make_app):
    return make_app(plugins=["testtool"])


def test_permission_grid_lists_declared_permissions(tool_app, acme, login_as):
    text = page(login_as(acme.owner).get(f"/o/acme/members/{acme.ids['member']}/permissions"))
    assert "Test Tool" in text
    assert 'value="testtool:edit"' in text and "Create and change records" in text
    assert 'value="testtool:view"' not in text and "(every member)" in text


def test_granting_edit_lets_the_member_create_records(tool_app, acme, login_as, grant_license):
    grant_license(acme.org, "testtool", enable=True)
    member = login_as(acme.member)
    assert post_with_token(member, "/o/acme/testtool/records", {"title": "one"}).status_code == 403
    admin = login_as(acme.admin)
    url = f"/o/acme/members/{acme.ids['member']}/permissions"
    r = submit_form(admin, url, {"permission": ["testtool:edit"]})
    assert r.status_code == 302
    assert 'value="testtool:edit" checked' in page(admin.get(url))
    assert "testtool: edit" in page(admin.get("/o/acme/members"))
    assert post_with_token(member, "/o/acme/testtool/records", {"title": "one"}).status_code == 200
    assert submit_form(admin, url, {}).status_code == 302  # nothing ticked: taken away
    assert post_with_token(member, "/o/acme/testtool/records", {"title": "two"}).status_code == 403


@pytest.mark.parametrize("value, message", [
    ("testtool:fly", "'fly' is not a permission that can be granted in tool 'testtool'."),
    ("nosuchtool:edit", "is not a permission that can be granted"),
    ("testtool:view", "is not a permission that can be granted"),  # every member holds it anyway
    ("garbage", "'garbage' is not a tool permission."),
])
def test_unknown_permissions_are_refused(tool_app, app, acme, login_as, value, message):
    r = submit_form(login_as(acme.owner), f"/o/acme/members/{acme.ids['member']}/permissions",
                    {"permission": ["testtool:edit", value]})
    assert r.status_code == 400 and message in page(r)
    with app.app_context():
        assert db_session().scalars(select(MemberPermission)).all() == []


def test_admins_hold_all_permissions_and_cannot_be_granted(tool_app, acme, login_as):
    client = login_as(acme.owner)
    url = f"/o/acme/members/{acme.ids['admin']}/permissions"
    assert "holds every tool permission" in page(client.get(url))
    r = post_with_token(client, url, {"permission": "testtool:edit"})
    assert r.status_code == 400 and "not a permission that can be granted" in page(r)


def test_member_cannot_grant_permissions(tool_app, acme, login_as):
    url = f"/o/acme/members/{acme.ids['member']}/permissions"
    assert post_with_token(login_as(acme.member), url, {"permission": "testtool:edit"}).status_code == 403
    assert login_as(acme.member).get(url).status_code == 403


def test_permission_grid_without_tools_says_so(make_app, acme):
    bare = make_app(plugins=[])
    client = bare.test_client()
    bare.extensions["trialoffice.testing"].login(client, acme.owner)
    text = page(client.get(f"/o/acme/members/{acme.ids['member']}/permissions"))
    assert "No installed tool declares permissions." in text
