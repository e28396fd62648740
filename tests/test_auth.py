"""Sign-up, sign-in with throttling, and sign-out (issue 2, point 3)."""
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from host.auth.throttle import ThrottleLimits, login_refusal, prune_attempts
from host.db import db_session
from host.models import LoginAttempt, Membership, Organization, User
from sdk.models import utcnow
from sdk.testing import submit_form
from sdk.testing.support import TEST_PASSWORD

SIGNUP = {"name": "Ada Lovelace", "email": "ada@example.org", "password": TEST_PASSWORD,
          "org_name": "Acme Trials", "slug": "acme", "org_type": "cro"}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        session = db_session()
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (User, Organization, Membership))


def login(client, email, password=TEST_PASSWORD, **extra):
    return submit_form(client, "/login", {"email": email, "password": password, **extra})


# --- sign-up -------------------------------------------------------------------------------

def test_signup_creates_user_and_owned_org_and_signs_in(app, client):
    r = submit_form(client, "/signup", SIGNUP)
    assert r.status_code == 302 and r.headers["Location"] == "/o/acme/"
    with app.app_context():
        user = db_session().scalar(select(User).where(User.email == "ada@example.org"))
        org = db_session().scalar(select(Organization).where(Organization.slug == "acme"))
        membership = db_session().scalar(select(Membership).where(Membership.user_id == user.id))
    assert (org.name, org.type) == ("Acme Trials", "cro")
    assert (membership.org_id, membership.role) == (org.id, "owner")
    assert user.password_hash.startswith("$argon2id$")
    home = client.get("/o/acme/")
    assert home.status_code == 200 and "Acme Trials is ready" in page(home)


def test_signup_derives_the_short_name_when_left_empty(app, client):
    r = submit_form(client, "/signup", {**SIGNUP, "slug": "", "org_name": "Northwind Trials Ltd."})
    assert r.headers["Location"] == "/o/northwind-trials-ltd/"


def test_signup_form_lists_org_types(client):
    text = page(client.get("/signup"))
    for label in ("Sponsor", "CRO", "SMO", "Investigator site", "Freelancer", "Tool publisher"):
        assert label in text


@pytest.mark.parametrize("change, message", [
    ({"email": "taken@example.org"}, "An account with this email already exists."),
    ({"slug": "taken"}, "The short name 'taken' is taken."),
    ({"password": "short1"}, "Use at least 10 characters."),
    ({"password": "onlyletterslong"}, "Mix letters with digits or symbols."),
    ({"org_type": "hospital"}, "Organization type must be one of"),
    ({"org_type": ""}, "Choose the organization's type."),
    ({"slug": "Bad Slug!"}, "The short name must be 3-40 characters"),
    ({"slug": "admin"}, "not a reserved word"),
    ({"email": "not-an-email"}, "Enter a valid email address:"),
    ({"name": "  "}, "Enter your name."),
    ({"org_name": ""}, "Enter the organization's name."),
    ({"name": "x" * 201}, "at most 200 characters"),
])
def test_signup_bad_input_rerenders_with_message_and_creates_nothing(app, client, make_user, make_org,
                                                                    change, message):
    make_org("taken", owner=make_user("taken@example.org"))
    before = counts(app)
    r = submit_form(client, "/signup", {**SIGNUP, **change})
    assert r.status_code == 400
    text = page(r)
    assert message in text and 'class="error-summary"' in text and 'class="field-error"' in text
    assert 'value="Acme Trials"' in text or change.get("org_name") == ""  # typed values kept
    assert counts(app) == before
    assert client.get("/account").status_code == 302  # not signed in


def test_signup_when_signed_in_goes_to_new_org(make_user, login_as):
    client = login_as(make_user("u@example.org"))
    assert client.get("/signup").headers["Location"] == "/orgs/new"


# --- login ------------------------------------------------------------------------------------

def test_login_success_signs_in_and_records_attempt(app, client, make_user, make_org):
    owner = make_user("owner@example.org")
    make_org("acme", owner=owner)
    r = login(client, "  Owner@Example.org ")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/o/acme/"
    with app.app_context():
        attempt = db_session().scalar(select(LoginAttempt))
    assert (attempt.email, attempt.succeeded, attempt.remote_addr) == ("owner@example.org", True, "127.0.0.1")


@pytest.mark.parametrize("email, password", [("owner@example.org", "wrong password 1"),
                                             ("nobody@example.org", TEST_PASSWORD)])
def test_login_failure_gives_the_same_generic_message(app, client, make_user, email, password):
    make_user("owner@example.org")
    r = login(client, email, password)
    assert r.status_code == 400
    assert "The email or password is wrong." in page(r)
    assert client.get("/account").status_code == 302
    with app.app_context():
        assert db_session().scalar(select(LoginAttempt.succeeded)) is False


def test_login_of_deactivated_user_fails(app, client, make_user):
    user = make_user("gone@example.org")
    with app.app_context():
        db_session().get(User, user.id).active = False
        db_session().commit()
    r = login(client, "gone@example.org")  # more in test_signin_throttle.py
    assert r.status_code == 403 and "This account is deactivated." in page(r)
    assert client.get("/account").status_code == 302


def test_login_with_empty_fields_is_refused_without_recording(app, client):
    r = submit_form(client, "/login", {"email": "", "password": ""})
    assert r.status_code == 400
    assert "Enter your email address." in page(r) and "Enter your password." in page(r)
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_login_follows_a_safe_next(client, make_user):
    make_user("u@example.org")
    r = login(client, "u@example.org", next="/account?tab=password")
    assert r.headers["Location"] == "/account?tab=password"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1", "evil.example"])
def test_login_ignores_an_unsafe_next(client, make_user, target):
    make_user("u@example.org")
    r = login(client, "u@example.org", next=target)
    assert r.headers["Location"] == "/"


def test_login_page_carries_next_and_redirects_when_signed_in(client, make_user, login_as):
    r = client.get("/account")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")
    assert 'name="next" value="/o/x/"' in page(client.get("/login?next=/o/x/"))
    signed_in = login_as(make_user("u@example.org"))
    assert signed_in.get("/login?next=/account").headers["Location"] == "/account"


# --- throttling -------------------------------------------------------------------------------

def fail(client, email, times):
    for _ in range(times):
        assert login(client, email, "wrong password 1").status_code == 400


def test_throttle_refuses_the_right_password_from_the_same_address_after_five_failures(
        app, client, make_user):
    make_user("victim@example.org")
    make_user("other@example.org")
    fail(client, "victim@example.org", 5)
    r = login(client, "victim@example.org")
    assert r.status_code == 429
    assert "Too many failed sign-in attempts. Try again in " in page(r)
    assert 0 < int(r.headers["Retry-After"]) <= 30
    assert client.get("/account").status_code == 302
    with app.app_context():  # refused attempts are not recorded, so they do not extend the lock
        assert db_session().scalar(select(func.count()).select_from(LoginAttempt)) == 5
    assert login(client, "other@example.org").status_code == 302


def test_throttle_lifts_when_the_wait_is_over(app, client, make_user):
    make_user("victim@example.org")
    fail(client, "victim@example.org", 5)
    assert login(client, "victim@example.org").status_code == 429
    with app.app_context():
        db_session().execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=31)))
        db_session().commit()
    assert login(client, "victim@example.org").status_code == 302


def test_a_success_clears_the_email_count(client, make_user):
    make_user("u@example.org")
    fail(client, "u@example.org", 4)
    assert login(client, "u@example.org").status_code == 302
    submit_form(client, "/account", {}, action="/logout")
    fail(client, "u@example.org", 4)
    assert login(client, "u@example.org").status_code == 302


def test_throttle_limits_come_from_config(make_app, make_user):
    app = make_app(LOGIN_FREE_FAILURES=2)
    make_user("u@example.org")
    client = app.test_client()
    fail(client, "u@example.org", 2)
    assert login(client, "u@example.org").status_code == 429


def test_throttle_per_remote_address_across_emails(make_app, make_user):
    app = make_app(LOGIN_ADDRESS_FREE_FAILURES=4)
    make_user("u@example.org")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for i in range(4):
        assert login(attacker, f"guess{i}@example.org", "wrong password 1").status_code == 400
    r = login(attacker, "u@example.org")
    assert r.status_code == 429 and "from your network" in page(r)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert login(elsewhere, "u@example.org").status_code == 302


def test_throttle_unit_wait_and_window(app):
    limits = ThrottleLimits(free_failures=3, address_free_failures=100, first_wait=timedelta(minutes=10),
                            window=timedelta(minutes=60))
    start = utcnow()
    with app.app_context():
        session = db_session()
        for minute in (0, 1, 2):
            session.add(LoginAttempt(email="a@x.org", remote_addr="1.1.1.1", succeeded=False,
                                     at=start + timedelta(minutes=minute)))
        session.commit()
        refusal = login_refusal(session, "a@x.org", "1.1.1.1", limits, now=start + timedelta(minutes=3))
        assert refusal.retry_after == 9 * 60  # ten minutes after the last failure, at minute 2
        assert "Try again in 9 minutes." in refusal.message
        assert login_refusal(session, "a@x.org", "1.1.1.1", limits,
                             now=start + timedelta(minutes=12, seconds=1)) is None
        assert login_refusal(session, "b@x.org", "1.1.1.1", limits, now=start + timedelta(minutes=3)) is None
        assert login_refusal(session, "a@x.org", "2.2.2.2", limits, now=start + timedelta(minutes=3)) is None
        # failures that left the window no longer count: from minute 61 only two remain
        assert login_refusal(session, "a@x.org", "1.1.1.1",
                             ThrottleLimits(free_failures=3, first_wait=timedelta(hours=2),
                                            longest_wait=timedelta(hours=2)),
                             now=start + timedelta(minutes=60, seconds=30)) is None


def test_prune_deletes_only_old_attempts(app):
    now = utcnow()
    with app.app_context():
        session = db_session()
        for days in (40, 31, 29, 0):
            session.add(LoginAttempt(email=f"{days}@x.org", remote_addr="", succeeded=False,
                                     at=now - timedelta(days=days)))
        session.commit()
        assert prune_attempts(session, timedelta(days=30), now=now) == 2
        session.commit()
        assert sorted(session.scalars(select(LoginAttempt.email))) == ["0@x.org", "29@x.org"]


# --- logout -----------------------------------------------------------------------------------

def test_logout_is_post_only(make_user, login_as):
    client = login_as(make_user("u@example.org"))
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    r = submit_form(client, "/account", {}, action="/logout")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/account").status_code == 302
