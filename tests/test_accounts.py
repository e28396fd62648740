"""The user's own account: profile, time zone, password, new organizations, the switcher."""
from html import unescape

import pytest
from sqlalchemy import func, select

from host.db import db_session
from host.models import Membership, Organization, User
from sdk.testing import post_with_token, submit_form
from sdk.testing.support import TEST_PASSWORD

NEW_PASSWORD = "another horse 43"


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def save_profile(client, data):
    return submit_form(client, "/account", data, action="/account")


def change_password(client, data):
    return submit_form(client, "/account", data, action="/account/password")


def stored_user(app, user_id) -> User:
    with app.app_context():
        return db_session().get(User, user_id)


@pytest.fixture
def user(make_user):
    return make_user("ada@example.org", name="Ada")


# --- profile ----------------------------------------------------------------------------------

def test_profile_requires_sign_in(client):
    r = client.get("/account")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def test_profile_shows_name_email_and_zones(login_as, user):
    text = page(login_as(user).get("/account"))
    assert 'value="Ada"' in text and "ada@example.org" in text
    assert '<option selected value="UTC">' in text
    assert '<option value="Europe/Berlin"' in text


def test_profile_update_changes_name_and_time_zone(app, login_as, user):
    client = login_as(user)
    r = save_profile(client, {"name": " Ada King ", "timezone": "Europe/Berlin"})
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    stored = stored_user(app, user.id)
    assert (stored.name, stored.timezone) == ("Ada King", "Europe/Berlin")
    text = page(client.get("/account"))
    assert "Your profile is saved." in text and "times in Europe/Berlin" in text


@pytest.mark.parametrize("data, message", [
    ({"name": "Ada", "timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
    ({"name": "", "timezone": "UTC"}, "Enter your name."),
    ({"name": "x" * 201, "timezone": "UTC"}, "at most 200 characters"),
])
def test_profile_bad_input_changes_nothing(app, login_as, user, data, message):
    r = save_profile(login_as(user), data)
    assert r.status_code == 400 and message in page(r)
    stored = stored_user(app, user.id)
    assert (stored.name, stored.timezone) == ("Ada", "UTC")


# --- password ---------------------------------------------------------------------------------

def test_password_change_needs_current_password_and_takes_effect(app, login_as, user):
    client = login_as(user)
    r = change_password(client, {"current_password": TEST_PASSWORD,
                                 "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert r.status_code == 302
    assert "Your password is changed." in page(client.get("/account"))
    fresh = app.test_client()
    for password, status in ((TEST_PASSWORD, 400), (NEW_PASSWORD, 302)):
        assert submit_form(fresh, "/login", {"email": "ada@example.org", "password": password}).status_code == status


def test_password_change_ends_the_other_sessions_only(login_as, user):
    laptop, phone = login_as(user), login_as(user)
    assert phone.get("/account").status_code == 200
    change_password(laptop, {"current_password": TEST_PASSWORD,
                             "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert laptop.get("/account").status_code == 200
    ended = phone.get("/account")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong password 9", NEW_PASSWORD, NEW_PASSWORD, "Your current password is wrong."),
    (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The new password and its confirmation differ."),
    (TEST_PASSWORD, "short1", "short1", "Use at least 10 characters."),
])
def test_password_change_refusals_keep_the_old_password(app, login_as, user, current, new, confirm, message):
    before = stored_user(app, user.id).password_hash
    r = change_password(login_as(user), {"current_password": current, "new_password": new,
                                         "confirm_password": confirm})
    assert r.status_code == 400 and message in page(r)
    assert stored_user(app, user.id).password_hash == before


def test_password_change_is_post_only(login_as, user):
    assert login_as(user).get("/account/password").status_code == 405


# --- new organization -------------------------------------------------------------------------

def test_new_org_makes_the_user_its_owner(app, login_as, user, make_org):
    make_org("first", owner=user)
    client = login_as(user)
    assert "Organization type" in page(client.get("/orgs/new"))
    r = submit_form(client, "/orgs/new", {"org_name": "Second Site", "slug": "second", "org_type": "site"})
    assert r.status_code == 302 and r.headers["Location"] == "/o/second/"
    with app.app_context():
        org = db_session().scalar(select(Organization).where(Organization.slug == "second"))
        roles = db_session().scalars(select(Membership.role).where(Membership.user_id == user.id)).all()
    assert (org.name, org.type) == ("Second Site", "site")
    assert roles == ["owner", "owner"]
    assert client.get("/o/second/").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"org_name": "Dup", "slug": "first", "org_type": "site"}, "The short name 'first' is taken."),
    ({"org_name": "Bad", "slug": "bad", "org_type": "castle"}, "Organization type must be one of"),
    ({"org_name": "", "slug": "noname", "org_type": "site"}, "Enter the organization's name."),
    ({"org_name": "Sh", "slug": "x", "org_type": "site"}, "The short name must be 3-40 characters"),
])
def test_new_org_bad_input_creates_nothing(app, login_as, user, make_org, data, message):
    make_org("first", owner=user)
    r = submit_form(login_as(user), "/orgs/new", data)
    assert r.status_code == 400 and message in page(r)
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(Organization)) == 1
        assert db_session().scalar(select(func.count()).select_from(Membership)) == 1


def test_new_org_requires_sign_in(client):
    assert post_with_token(client, "/orgs/new", {"org_name": "X", "slug": "xyz", "org_type": "site"},
                           token_from="/login").status_code == 302


# --- organization switcher --------------------------------------------------------------------

def test_switcher_lists_own_orgs_and_switches_only_to_them(login_as, user, make_org, make_user):
    make_org("first", owner=user, name="First Org")
    make_org("second", owner=user, name="Second Org")
    make_org("foreign", owner=make_user("x@example.org"), name="Foreign Org")
    client = login_as(user)
    text = page(client.get("/o/first/"))
    assert '<option value="second"' in text and "Foreign Org" not in text
    assert client.get("/switch?org=second").headers["Location"] == "/o/second/"
    assert client.get("/switch?org=foreign").status_code == 404
