"""CSRF on the account forms and the session cookie's security flags."""
from html import unescape

import pytest
from sqlalchemy import func, select

from host.db import db_session
from host.models import LoginAttempt, Membership, Organization, User
from sdk.testing import csrf_token, submit_form
from sdk.testing.support import TEST_PASSWORD

SIGNUP = {"name": "Ada", "email": "ada@example.org", "password": TEST_PASSWORD,
          "org_name": "Acme Trials", "slug": "acme", "org_type": "cro"}


@pytest.fixture
def csrf_app(make_app):
    return make_app()  # the harness keeps CSRF on, as production does


def count(app, model) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model))


def test_login_without_token_is_refused_and_not_recorded(csrf_app, make_user):
    make_user("ada@example.org")
    client = csrf_app.test_client()
    r = client.post("/login", data={"email": "ada@example.org", "password": TEST_PASSWORD})
    assert r.status_code == 400
    assert "The form expired or was not sent from this site." in unescape(r.get_data(as_text=True))
    assert count(csrf_app, LoginAttempt) == 0
    assert client.get("/account").status_code == 302
    token = csrf_token(client, "/login")
    r = client.post("/login", data={"email": "ada@example.org", "password": TEST_PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/account").status_code == 200


def test_signup_without_token_creates_nothing(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/signup", data=SIGNUP).status_code == 400
    assert (count(csrf_app, User), count(csrf_app, Organization)) == (0, 0)
    r = client.post("/signup", data={**SIGNUP, "csrf_token": "forged"})
    assert r.status_code == 400 and count(csrf_app, User) == 0
    r = client.post("/signup", data={**SIGNUP, "csrf_token": csrf_token(client, "/signup")})
    assert r.status_code == 302 and r.headers["Location"] == "/o/acme/"
    assert (count(csrf_app, User), count(csrf_app, Organization)) == (1, 1)


def test_members_form_without_token_changes_nothing(csrf_app, make_user, make_org, add_member):
    owner, member = make_user("owner@example.org"), make_user("member@example.org")
    org = make_org("acme", owner=owner)
    add_member(org, member)
    client = csrf_app.test_client()
    csrf_app.extensions["trialoffice.testing"].login(client, owner)
    with csrf_app.app_context():
        member_id = db_session().scalar(select(Membership.id).where(Membership.user_id == member.id))

    def role():
        with csrf_app.app_context():
            return db_session().scalar(select(Membership.role).where(Membership.id == member_id))

    url = f"/o/acme/members/{member_id}/role"
    assert client.post(url, data={"role": "admin"}).status_code == 400
    assert role() == "member"
    r = client.post(url, data={"role": "admin", "csrf_token": csrf_token(client, "/o/acme/members")})
    assert r.status_code == 302 and role() == "admin"


def test_logout_needs_the_token_too(csrf_app, make_user):
    make_user("ada@example.org")
    client = csrf_app.test_client()
    client.post("/login", data={"email": "ada@example.org", "password": TEST_PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/account")}).status_code == 302
    assert client.get("/account").status_code == 302


def session_cookie(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_session_cookie_is_secure_httponly_and_samesite_lax(make_app, make_user):
    app = make_app(SESSION_COOKIE_SECURE=True)
    make_user("ada@example.org")
    r = submit_form(app.test_client(), "https://localhost/login",
                    {"email": "ada@example.org", "password": TEST_PASSWORD})
    assert r.status_code == 302
    flags = {part.strip().lower() for part in session_cookie(r).split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= flags


def test_cookie_is_httponly_and_lax_even_without_https(app, make_user, client):
    make_user("ada@example.org")
    r = submit_form(client, "/login", {"email": "ada@example.org", "password": TEST_PASSWORD})
    flags = {part.strip().lower() for part in session_cookie(r).split(";")}
    assert {"httponly", "samesite=lax"} <= flags and "secure" not in flags


def test_strong_session_protection_drops_a_copied_cookie(app, make_user, client):
    make_user("ada@example.org")
    submit_form(client, "/login", {"email": "ada@example.org", "password": TEST_PASSWORD})
    assert client.get("/account").status_code == 200
    client.environ_base["HTTP_USER_AGENT"] = "another browser"
    assert client.get("/account").status_code == 302
