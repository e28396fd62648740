"""Invitations by link: creation (shown once, stored hashed), acceptance and every refusal."""
import hashlib
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from host.db import db_session
from host.models import Invitation, Membership, Organization, User
from sdk.models import utcnow
from sdk.testing import post_with_token, submit_form
from sdk.testing.support import TEST_PASSWORD


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def owner(make_user):
    return make_user("owner@acme.org", name="Olive Owner")


@pytest.fixture
def acme(make_org, owner):
    return make_org("acme", owner=owner, name="Acme Trials")


def invite(client, email="new@example.org", role="member", slug="acme"):
    """Create an invitation; returns the response and the link's path (or None).

    Posts whether or not the members page offers this client the form (refusals are tested)."""
    return _link_of(post_with_token(client, f"/o/{slug}/members/invitations", {"email": email, "role": role}))


def _link_of(r):
    found = re.search(r'value="http://localhost(/invite/[^"]+)"', r.get_data(as_text=True))
    return r, found.group(1) if found else None


def invitations(app) -> list[Invitation]:
    with app.app_context():
        return list(db_session().scalars(select(Invitation).order_by(Invitation.id)))


def membership(app, org, email) -> Membership | None:
    with app.app_context():
        return db_session().scalar(select(Membership).join(User, User.id == Membership.user_id)
                                   .where(Membership.org_id == org.id, User.email == email))


def set_invitation(app, **values):
    with app.app_context():
        for invitation in db_session().scalars(select(Invitation)):
            for name, value in values.items():
                setattr(invitation, name, value)
        db_session().commit()


# --- creating ---------------------------------------------------------------------------------

def test_admin_creates_a_link_shown_once_and_stored_hashed(app, acme, owner, login_as):
    client = login_as(owner)
    r, link = _link_of(submit_form(client, "/o/acme/members", {"email": "New@Example.org", "role": "admin"},
                                   action="/o/acme/members/invitations"))
    assert r.status_code == 201 and link
    assert "only time the link is shown" in page(r)
    token = link.rsplit("/", 1)[1]
    [row] = invitations(app)
    assert (row.email, row.role, row.org_id) == ("new@example.org", "admin", acme.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(days=7)
    listing = page(client.get("/o/acme/members"))
    assert "Pending invitations" in listing and "new@example.org" in listing and token not in listing


def test_invitation_days_come_from_config(make_app, acme, owner, login_as):
    app = make_app(INVITATION_DAYS=2)
    client = app.test_client()
    app.extensions["trialoffice.testing"].login(client, owner)
    invite(client)
    [row] = invitations(app)
    assert row.expires_at - row.created_at == timedelta(days=2)


@pytest.mark.parametrize("email, role, status, message", [
    ("not-an-email", "member", 400, "Enter a valid email address:"),
    ("x@example.org", "boss", 400, "Choose a role"),
    ("owner@acme.org", "member", 409, "owner@acme.org is already a member of Acme Trials."),
])
def test_bad_invitations_are_refused(app, acme, owner, login_as, email, role, status, message):
    r, link = invite(login_as(owner), email, role)
    assert r.status_code == status and message in page(r) and link is None
    assert invitations(app) == []


def test_only_admins_invite_and_only_owners_invite_owners(app, acme, make_user, add_member, login_as):
    admin, member = make_user("admin@acme.org"), make_user("member@acme.org")
    add_member(acme, admin, role="admin")
    add_member(acme, member, role="member")
    assert invite(login_as(member))[0].status_code == 403
    r, _ = invite(login_as(admin), role="owner")
    assert r.status_code == 403 and "Only owners can invite another owner." in page(r)
    assert invitations(app) == []
    assert invite(login_as(admin), role="admin")[0].status_code == 201


def test_inviting_again_withdraws_the_earlier_link(app, acme, owner, login_as, client):
    first = invite(login_as(owner))[1]
    second = invite(login_as(owner))[1]
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert [row.revoked_at is not None for row in invitations(app)] == [True, False]


# --- accepting --------------------------------------------------------------------------------

def test_signed_in_invitee_accepts(app, acme, owner, make_user, login_as):
    link = invite(login_as(owner), "new@example.org", "admin")[1]
    client = login_as(make_user("new@example.org"))
    text = page(client.get(link))
    assert "Join Acme Trials" in text and "as admin" in text
    r = submit_form(client, link, {})
    assert r.status_code == 302 and r.headers["Location"] == "/o/acme/"
    assert membership(app, acme, "new@example.org").role == "admin"
    assert invitations(app)[0].accepted_at is not None
    assert "Welcome to Acme Trials." in page(client.get("/o/acme/"))
    used = client.get(link)
    assert used.status_code == 410 and "already been used" in page(used)
    assert post_with_token(client, link).status_code == 410
    assert "new@example.org" not in page(login_as(owner).get("/o/acme/members")).split("Pending invitations")[1]


def test_signed_in_with_another_email_is_refused(app, acme, owner, make_user, login_as):
    link = invite(login_as(owner), "new@example.org")[1]
    client = login_as(make_user("someone@example.org"))
    r = client.get(link)
    assert r.status_code == 403
    assert "This invitation is for new@example.org, but you are signed in as someone@example.org." in page(r)
    assert post_with_token(client, link).status_code == 403
    assert membership(app, acme, "someone@example.org") is None
    assert invitations(app)[0].accepted_at is None


def test_already_a_member_is_told_so(app, acme, owner, make_user, add_member, login_as):
    link = invite(login_as(owner), "new@example.org")[1]
    user = make_user("new@example.org")
    add_member(acme, user, role="member")
    client = login_as(user)
    r = post_with_token(client, link)
    assert r.status_code == 409 and "You are already a member of Acme Trials." in page(r)
    assert invitations(app)[0].accepted_at is None


def test_anonymous_visitor_gets_sign_in_and_sign_up(acme, owner, login_as, client):
    link = invite(login_as(owner))[1]
    text = page(client.get(link))
    assert "new@example.org is invited to join Acme Trials" in text
    assert f"/login?next={link}" in text.replace("%2F", "/")
    assert "Create account and join" in text
    r = post_with_token(client, link, token_from=link)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_anonymous_with_existing_account_is_offered_sign_in_only(acme, owner, make_user, login_as, client):
    link = invite(login_as(owner))[1]
    make_user("new@example.org")
    text = page(client.get(link))
    assert "Sign in as new@example.org" in text and "Create account and join" not in text


def test_sign_up_from_invitation_creates_user_without_org_and_joins(app, acme, owner, login_as, client):
    link = invite(login_as(owner), role="member")[1]
    r = submit_form(client, link, {"name": "Nina New", "password": TEST_PASSWORD}, action=f"{link}/signup")
    assert r.status_code == 302 and r.headers["Location"] == "/o/acme/"
    assert membership(app, acme, "new@example.org").role == "member"
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(Organization)) == 1
        assert db_session().scalar(select(User.name).where(User.email == "new@example.org")) == "Nina New"
    assert client.get("/o/acme/").status_code == 200
    again = post_with_token(client, f"{link}/signup", {"name": "Again", "password": TEST_PASSWORD})
    assert again.status_code == 302


@pytest.mark.parametrize("data, message", [({"name": "Nina", "password": "weak"}, "Use at least 10 characters."),
                                           ({"name": "", "password": TEST_PASSWORD}, "Enter your name.")])
def test_sign_up_from_invitation_bad_input_changes_nothing(app, acme, owner, login_as, client, data, message):
    link = invite(login_as(owner))[1]
    r = submit_form(client, link, data, action=f"{link}/signup")
    assert r.status_code == 400 and message in page(r)
    with app.app_context():
        assert db_session().scalar(select(User.id).where(User.email == "new@example.org")) is None
    assert invitations(app)[0].accepted_at is None


def test_sign_up_from_invitation_with_existing_account_is_refused(app, acme, owner, make_user, login_as, client):
    link = invite(login_as(owner))[1]
    make_user("new@example.org")
    r = post_with_token(client, f"{link}/signup", {"name": "Imposter", "password": "other horse 99"},
                        token_from="/login")
    assert r.status_code == 400 and "An account with this email already exists." in page(r)
    assert membership(app, acme, "new@example.org") is None


# --- dead links -------------------------------------------------------------------------------

@pytest.mark.parametrize("state, message", [
    ({"expires_at": utcnow() - timedelta(minutes=1)}, "has expired"),
    ({"revoked_at": utcnow()}, "was withdrawn"),
    ({"accepted_at": utcnow()}, "already been used"),
])
def test_dead_links_are_refused_and_change_nothing(app, acme, owner, make_user, login_as, client, state, message):
    link = invite(login_as(owner))[1]
    set_invitation(app, **state)
    r = client.get(link)
    assert r.status_code == 410 and message in page(r)
    invitee = login_as(make_user("new@example.org"))
    assert post_with_token(invitee, link).status_code == 410
    signup = post_with_token(client, f"{link}/signup", {"name": "N", "password": TEST_PASSWORD},
                             token_from="/login")
    assert signup.status_code == 410
    assert membership(app, acme, "new@example.org") is None


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 500])
def test_unknown_link_is_404(client, token):
    r = client.get(f"/invite/{token}")
    assert r.status_code == 404 and "not valid" in page(r)


# --- withdrawing and isolation ----------------------------------------------------------------

def test_admin_withdraws_an_invitation(app, acme, owner, login_as, client):
    admin_client = login_as(owner)
    link = invite(admin_client)[1]
    invitation_id = invitations(app)[0].id
    r = submit_form(admin_client, "/o/acme/members", {},
                    action=f"/o/acme/members/invitations/{invitation_id}/revoke")
    assert r.status_code == 302
    assert "no longer works" in page(admin_client.get("/o/acme/members"))
    assert client.get(link).status_code == 410
    again = post_with_token(admin_client, f"/o/acme/members/invitations/{invitation_id}/revoke")
    assert again.status_code == 410


def test_invitations_are_isolated_between_orgs(app, acme, owner, make_user, make_org, login_as):
    other_owner = make_user("owner@beta.org")
    make_org("beta", owner=other_owner)
    link = invite(login_as(other_owner), "secret@example.org", slug="beta")[1]
    beta_invitation = invitations(app)[0].id
    client = login_as(owner)
    assert client.get("/o/beta/members").status_code == 404
    assert "secret@example.org" not in page(client.get("/o/acme/members"))
    assert post_with_token(client, f"/o/beta/members/invitations/{beta_invitation}/revoke").status_code == 404
    assert post_with_token(client, f"/o/acme/members/invitations/{beta_invitation}/revoke").status_code == 404
    assert invite(client, slug="beta")[0].status_code == 404
    assert invitations(app)[0].revoked_at is None and len(invitations(app)) == 1
    assert app.test_client().get(link).status_code == 200
