"""The account-side page forms on the kit (issue 10): every problem at once, each beside its field
and all of them in the summary at the top, typed values kept (never a password), and no
browser-side ``required`` that would hide the server's messages."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from host.db import db_session
from host.models import Invitation, Membership, Organization, User
from sdk.testing import page_forms, post_with_token, submit_form
from sdk.testing.support import TEST_PASSWORD

SECRET = "short1"  # a refused password: it must never come back in the page


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start:html.index("</div>", start)]


def beside(html: str, field: str) -> str:
    """The kit's block of ``field``: its label, input and messages."""
    block = re.search(rf'<div class="field field-invalid" data-field="{field}">(.*?)</div>', html, re.S)
    assert block, f"no invalid field {field!r}"
    return block.group(1)


def assert_every_problem_shown(response, status: int, problems: dict[str, str]):
    """Each message beside its field (marked invalid) and in the summary, which counts them all."""
    html = text_of(response)
    assert response.status_code == status, html
    listed = summary(html)
    assert f"({len(problems)})" in listed, listed
    for field, message in problems.items():
        assert message in beside(html, field) and 'aria-invalid="true"' in beside(html, field), field
        assert message in listed, field
    return html


def count(app, model) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model))


# --- sign-in and sign-up ----------------------------------------------------------------------

def test_sign_in_with_empty_fields_says_what_is_missing_beside_each(client):
    r = submit_form(client, "/login", {"email": "", "password": ""})
    assert_every_problem_shown(r, 400, {"email": "Enter your email address.", "password": "Enter your password."})


def test_a_wrong_password_is_told_on_top_and_keeps_the_email_not_the_password(client, make_user):
    make_user("ada@example.org")
    r = submit_form(client, "/login", {"email": "Ada@Example.org", "password": "wrong password 1"})
    html = text_of(r)
    assert r.status_code == 400 and "The email or password is wrong." in summary(html)
    assert 'value="Ada@Example.org"' in html and "wrong password 1" not in html


def test_sign_up_shows_every_problem_of_person_and_organization_at_once(app, client):
    r = submit_form(client, "/signup", {"name": "", "email": "ada@", "password": SECRET, "org_name": "",
                                        "slug": "Bad Slug!", "org_type": "castle"})
    html = assert_every_problem_shown(r, 400, {
        "name": "Enter your name.", "email": "Enter a valid email address:", "password": "Use at least 10 characters.",
        "org_name": "Enter the organization's name.", "slug": "The short name must be 3-40 characters",
        "org_type": "Organization type must be one of"})
    assert 'value="ada@"' in html and 'value="Bad Slug!"' in html and SECRET not in html
    assert (count(app, User), count(app, Organization)) == (0, 0)


def test_sign_up_keeps_the_chosen_type_and_tells_a_taken_email_and_short_name(app, client, make_user, make_org):
    make_org("taken", owner=make_user("taken@example.org"))
    r = submit_form(client, "/signup", {"name": "Ada", "email": "taken@example.org", "password": TEST_PASSWORD,
                                        "org_name": "Acme", "slug": "taken", "org_type": "cro"})
    html = assert_every_problem_shown(r, 400, {"email": "An account with this email already exists.",
                                               "slug": "The short name 'taken' is taken."})
    assert '<option selected value="cro">' in html and 'value="Ada"' in html


def test_an_empty_short_name_is_derived_and_an_empty_type_is_asked_for(client):
    r = submit_form(client, "/signup", {"name": "Ada", "email": "ada@example.org", "password": TEST_PASSWORD,
                                        "org_name": "", "slug": "", "org_type": ""})
    assert_every_problem_shown(r, 400, {"org_name": "Enter the organization's name.",
                                        "org_type": "Choose the organization's type."})


# --- the account page -------------------------------------------------------------------------

@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", name="Ada")


def test_profile_shows_both_problems_and_keeps_the_typed_name(app, login_as, ada):
    long_name = "Ada " + "x" * 200
    r = submit_form(login_as(ada), "/account", {"name": long_name, "timezone": "Mars/Olympus"}, action="/account")
    html = assert_every_problem_shown(r, 400, {"name": "Your name can be at most 200 characters.",
                                               "timezone": "Choose a time zone from the list."})
    assert f'value="{long_name}"' in html
    with app.app_context():
        assert db_session().get(User, ada.id).name == "Ada"


def test_password_change_shows_every_problem_and_no_password(login_as, ada):
    r = submit_form(login_as(ada), "/account", {"current_password": "wrong password 9", "new_password": SECRET,
                                                "confirm_password": "something else 1"}, action="/account/password")
    html = assert_every_problem_shown(r, 400, {
        "current_password": "Your current password is wrong.", "new_password": "Use at least 10 characters.",
        "confirm_password": "The new password and its confirmation differ."})
    assert SECRET not in html and "wrong password 9" not in html and "something else 1" not in html
    assert 'value="Ada"' in html  # the profile form beside it shows the stored name, untouched


def test_password_change_asks_for_each_empty_field(login_as, ada):
    r = submit_form(login_as(ada), "/account", {"current_password": "", "new_password": "", "confirm_password": ""},
                    action="/account/password")
    assert_every_problem_shown(r, 400, {"current_password": "Enter your current password.",
                                        "new_password": "Choose a new password of at least 10 characters."})


def test_new_organization_shows_every_problem_and_keeps_the_values(app, login_as, ada):
    r = submit_form(login_as(ada), "/orgs/new", {"org_name": "N" * 201, "slug": "admin", "org_type": "castle"})
    html = assert_every_problem_shown(r, 400, {
        "org_name": "The organization's name can be at most 200 characters.", "slug": "not a reserved word",
        "org_type": "Organization type must be one of"})
    assert 'value="admin"' in html and f'value="{"N" * 201}"' in html
    assert count(app, Organization) == 0


# --- API tokens -------------------------------------------------------------------------------

def test_a_token_without_a_name_is_told_beside_the_name(app, login_as, ada, make_org):
    make_org("acme", owner=ada)
    browser = login_as(ada)
    assert_every_problem_shown(submit_form(browser, "/o/acme/tokens", {"name": "  "}), 400,
                               {"name": "Give the token a name"})
    html = assert_every_problem_shown(submit_form(browser, "/o/acme/tokens", {"name": "y" * 101}), 400,
                                      {"name": "at most 100 characters"})
    assert f'value="{"y" * 101}"' in html


# --- members and invitations ------------------------------------------------------------------

@pytest.fixture
def acme(make_user, make_org, add_member):
    owner = make_user("owner@acme.org", name="Olga Owner")
    org = make_org("acme", owner=owner, name="Acme Trials")
    member = make_user("member@acme.org", name="Max Member")
    add_member(org, member, role="member")
    return org, owner, member


def membership_id(app, org, user) -> int:
    with app.app_context():
        return db_session().scalar(select(Membership.id).where(Membership.org_id == org.id,
                                                                Membership.user_id == user.id))


def test_an_invitation_shows_both_problems_and_keeps_the_email(app, acme, login_as):
    org, owner, _ = acme
    r = submit_form(login_as(owner), "/o/acme/members", {"email": "not-an-email", "role": "boss"},
                    action="/o/acme/members/invitations")
    html = assert_every_problem_shown(r, 400, {"email": "Enter a valid email address:",
                                               "role": "Choose a role: owner, admin or member."})
    assert 'value="not-an-email"' in html
    assert count(app, Invitation) == 0


def test_an_empty_invitation_asks_for_the_email(acme, login_as):
    r = submit_form(login_as(acme[1]), "/o/acme/members", {"email": "", "role": "member"},
                    action="/o/acme/members/invitations")
    html = assert_every_problem_shown(r, 400, {"email": "Enter the email address of the person you invite."})
    assert '<option selected value="member">' in html


def test_an_account_from_an_invitation_shows_both_problems_and_keeps_the_name(app, acme, login_as, client):
    r = post_with_token(login_as(acme[1]), "/o/acme/members/invitations", {"email": "new@example.org",
                                                                          "role": "member"})
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', r.get_data(as_text=True)).group(1)
    r = submit_form(client, link, {"name": "N" * 201, "password": SECRET}, action=f"{link}/signup")
    html = assert_every_problem_shown(r, 400, {"name": "Your name can be at most 200 characters.",
                                               "password": "Use at least 10 characters."})
    assert f'value="{"N" * 201}"' in html and SECRET not in html
    assert count(app, User) == 2


def test_a_refused_role_change_is_told_beside_that_member_and_on_top(app, acme, login_as):
    org, owner, member = acme
    mid = membership_id(app, org, owner)
    r = submit_form(login_as(owner), "/o/acme/members", {"role": "member"}, action=f"/o/acme/members/{mid}/role")
    html = text_of(r)
    assert r.status_code == 409
    message = "Olga Owner is the last owner"
    assert message in summary(html) and f'href="#role-{mid}"' in summary(html)
    row = html[html.index(f'data-membership="{mid}"'):html.index("</tr>", html.index(f'data-membership="{mid}"'))]
    assert message in row and 'aria-invalid="true"' in row and '<option selected value="member">' in row
    other = membership_id(app, org, member)
    other_row = html[html.index(f'data-membership="{other}"'):]
    assert '<option selected value="member">' in other_row[:other_row.index("</tr>")]


@pytest.fixture
def tool_app(make_app):
    return make_app(plugins=["testtool"])


def test_refused_permissions_are_all_told_and_the_ticks_kept(tool_app, acme, login_as):
    org, owner, member = acme
    url = f"/o/acme/members/{membership_id(tool_app, org, member)}/permissions"
    r = submit_form(login_as(owner), url, {"permission": ["testtool:edit", "testtool:fly", "garbage"]})
    html = text_of(r)
    assert r.status_code == 400
    assert "'garbage' is not a tool permission." in summary(html)
    assert 'value="testtool:edit" checked' in html  # what was ticked stays ticked


# --- no browser-side "required" ---------------------------------------------------------------

def test_the_converted_forms_leave_every_check_to_the_server(acme, login_as, client):
    pages = {"/login": client, "/signup": client}
    owner = login_as(acme[1])
    pages.update({path: owner for path in ("/account", "/orgs/new", "/o/acme/tokens", "/o/acme/members")})
    for path, browser in pages.items():
        html = browser.get(path).get_data(as_text=True)
        assert page_forms(html), path
        assert not re.search(r"<(input|select|textarea)[^>]*\srequired", html), path
