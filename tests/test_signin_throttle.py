"""Sign-in back-off per (email, address) and per address: a guesser elsewhere cannot lock the
owner out (issue 8, item 5). Every request goes through HTTP with its own client address."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from host.auth.throttle import ThrottleLimits
from host.config import load_config
from host.db import db_session
from host.models import LoginAttempt, User
from sdk.testing import submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import entries

OWNER = "owner@example.org"
OWNER_ADDRESS = "198.51.100.7"
ATTACKER_ADDRESS = "203.0.113.9"
WRONG = "wrong password 1"
GENERIC = "The email or password is wrong."
DEACTIVATED = "This account is deactivated."


def client_at(app, address, **headers):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return client


def sign_in(client, email, password=TEST_PASSWORD):
    return submit_form(client, "/login", {"email": email, "password": password})


def fail(client, email, times=1):
    for _ in range(times):
        assert sign_in(client, email, WRONG).status_code == 400


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def retry_after(response) -> int:
    assert response.status_code == 429
    return int(response.headers["Retry-After"])


def let_time_pass(app, seconds):
    """Move every recorded attempt ``seconds`` into the past, as if that much time had gone by."""
    with app.app_context():
        session = db_session()
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=seconds)
        session.commit()


def test_an_attacker_elsewhere_slows_down_only_their_own_address(app, make_user):
    make_user(OWNER)
    attacker = client_at(app, ATTACKER_ADDRESS)
    fail(attacker, OWNER, 5)
    refused = sign_in(attacker, OWNER)  # even the right password, from the guessing address
    assert 25 <= retry_after(refused) <= 30
    assert "Too many failed sign-in attempts. Try again in " in page(refused)
    assert "seconds." in page(refused)

    owner = client_at(app, OWNER_ADDRESS)
    assert sign_in(owner, OWNER).status_code == 302
    assert owner.get("/account").status_code == 200
    assert sign_in(client_at(app, ATTACKER_ADDRESS), OWNER).status_code == 429  # not cleared

    audited = entries(app, org_id=None, tool="host", entity_type="user", action="login_throttled")
    assert [(row.entity_id, row.actor_label) for row in audited] == [(OWNER, ATTACKER_ADDRESS)] * 2
    assert "Try again in" in audited[0].reason
    assert len(entries(app, org_id=None, tool="host", action="login_failed")) == 5


def test_a_throttled_reply_does_not_tell_whether_the_account_exists(app, make_user):
    make_user(OWNER)
    replies = []
    for email in (OWNER, "nobody@example.org"):
        client = client_at(app, ATTACKER_ADDRESS)
        fail(client, email, 5)
        reply = sign_in(client, email)
        assert 25 <= retry_after(reply) <= 30
        replies.append(re.sub(r'name="csrf_token"[^>]*value="[^"]*"|Try again in \d+', "",
                              page(reply).replace(email, "EMAIL")))
    assert replies[0] == replies[1]
    assert "this email" not in replies[0]


def test_the_wait_doubles_with_each_further_failure_and_a_success_clears_it(app, make_user):
    make_user(OWNER)
    client = client_at(app, OWNER_ADDRESS)
    fail(client, OWNER, 5)
    assert 25 <= retry_after(sign_in(client, OWNER)) <= 30
    let_time_pass(app, 31)
    fail(client, OWNER)
    assert 55 <= retry_after(sign_in(client, OWNER, WRONG)) <= 60
    let_time_pass(app, 61)
    fail(client, OWNER)
    reply = sign_in(client, OWNER)
    assert 115 <= retry_after(reply) <= 120 and "Try again in 2 minutes." in page(reply)
    let_time_pass(app, 121)
    assert sign_in(client, OWNER).status_code == 302
    fail(client_at(app, OWNER_ADDRESS), OWNER)  # the count starts again after a sign-in


def test_one_address_trying_many_accounts_is_slowed_down(make_app, make_user):
    app = make_app(LOGIN_ADDRESS_FREE_FAILURES=4)
    make_user(OWNER)
    make_user("mallory@example.org")
    attacker = client_at(app, ATTACKER_ADDRESS)
    for i in range(3):
        fail(attacker, f"guess{i}@example.org")
    assert sign_in(attacker, "mallory@example.org").status_code == 302  # does not reset the address
    attacker = client_at(app, ATTACKER_ADDRESS)
    fail(attacker, "guess3@example.org")
    refused = sign_in(attacker, OWNER)
    assert 25 <= retry_after(refused) <= 30 and "from your network" in page(refused)
    assert sign_in(client_at(app, OWNER_ADDRESS), OWNER).status_code == 302
    let_time_pass(app, 31)
    fail(attacker, "guess4@example.org")
    assert 55 <= retry_after(sign_in(attacker, "guess5@example.org")) <= 60


@pytest.mark.parametrize("passwords", [(WRONG, TEST_PASSWORD, WRONG), (TEST_PASSWORD, WRONG)])
def test_a_deactivated_account_is_named_only_after_the_right_password(app, make_user, passwords):
    user = make_user("gone@example.org")
    with app.app_context():
        db_session().get(User, user.id).active = False
        db_session().commit()
    client = client_at(app, OWNER_ADDRESS)
    for password in passwords:
        reply = sign_in(client, "gone@example.org", password)
        if password == WRONG:
            assert reply.status_code == 400 and GENERIC in page(reply)
            assert "deactivated" not in page(reply)
        else:
            assert reply.status_code == 403 and DEACTIVATED in page(reply)
            assert GENERIC not in page(reply)
        assert client.get("/account").status_code == 302
    failed = entries(app, org_id=None, tool="host", entity_type="user", action="login_failed")
    assert sorted(row.reason or "" for row in failed) == sorted(
        "account deactivated" if password == TEST_PASSWORD else "" for password in passwords)


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(app, make_user):
    make_user(OWNER)
    for i in range(5):
        fail(client_at(app, ATTACKER_ADDRESS, x_forwarded_for=f"192.0.2.{i}"), OWNER)
    spoofing = client_at(app, ATTACKER_ADDRESS, x_forwarded_for=OWNER_ADDRESS)
    assert sign_in(spoofing, OWNER).status_code == 429
    assert sign_in(client_at(app, OWNER_ADDRESS), OWNER).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_app, make_user):
    app = make_app(TRUSTED_PROXIES=1)
    make_user(OWNER)
    proxy = "10.0.0.2"
    fail(client_at(app, proxy, x_forwarded_for=ATTACKER_ADDRESS), OWNER, 5)
    assert sign_in(client_at(app, proxy, x_forwarded_for=ATTACKER_ADDRESS), OWNER).status_code == 429
    assert sign_in(client_at(app, proxy, x_forwarded_for=OWNER_ADDRESS), OWNER).status_code == 302
    with app.app_context():
        assert set(db_session().scalars(select(LoginAttempt.remote_addr))) == {
            ATTACKER_ADDRESS, OWNER_ADDRESS}


def test_an_ipv6_client_is_counted_by_its_64_block(app, make_user):
    make_user(OWNER)
    for i in range(1, 6):
        fail(client_at(app, f"2001:db8:0:1::{i}"), OWNER)
    assert sign_in(client_at(app, "2001:db8:0:1:ffff::9"), OWNER).status_code == 429
    assert sign_in(client_at(app, "2001:db8:0:2::1"), OWNER).status_code == 302


def test_limits_come_from_the_environment(make_app, make_user, monkeypatch, tmp_path):
    monkeypatch.setenv("TRIALOFFICE_LOGIN_FREE_FAILURES", "2")
    monkeypatch.setenv("TRIALOFFICE_LOGIN_FIRST_WAIT_SECONDS", "90")
    app = make_app()
    make_user(OWNER)
    client = client_at(app, ATTACKER_ADDRESS)
    fail(client, OWNER, 2)
    reply = sign_in(client, OWNER)
    assert 85 <= retry_after(reply) <= 90 and "Try again in 2 minutes." in page(reply)
    monkeypatch.setenv("TRIALOFFICE_LOGIN_LONGEST_WAIT_MINUTES", "0")
    with pytest.raises(ValueError, match="TRIALOFFICE_LOGIN_LONGEST_WAIT_MINUTES"):
        load_config(str(tmp_path / "other"))


def test_the_wait_stops_growing_at_the_longest_wait():
    limits = ThrottleLimits(free_failures=5, first_wait=timedelta(seconds=30),
                            longest_wait=timedelta(minutes=15))
    waits = [limits.wait_after(failures, 5).total_seconds() for failures in (4, 5, 6, 9, 10, 500)]
    assert waits == [0, 30, 60, 480, 900, 900]
