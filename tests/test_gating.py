"""Gating: the host decides, before any tool view runs, whether it may run.

The test tool's pages (session cookie) and JSON API (Bearer token) go through the same matrix:
member or not, license state, enabled flag, the view's permission.
"""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from host.db import get_db
from sdk import org_scope
from sdk.testing import post_with_token
from tests.plugins.testtool.models import TestRecord

TRANSPORTS = ("page", "api")

#: state name -> (license status or None, days valid, enabled flag)
STATES = {
    "no_license": (None, 30, False),
    "licensed_disabled": ("active", 30, False),
    "trial_disabled": ("trialing", 14, False),
    "lapsed": ("lapsed", 30, True),
    "suspended": ("suspended", 30, True),
    "expired": ("active", -1, True),
    "active_enabled": ("active", 30, True),
    "trialing_enabled": ("trialing", 14, True),
    "grace_enabled": ("grace", 3, True),
}
#: state name -> the words the 402 answer must contain
REFUSALS = {
    "no_license": ("is not licensed", "start a free trial or buy it"),
    "licensed_disabled": ("switched off", "enable it under My tools"),
    "trial_disabled": ("switched off", "enable it under My tools"),
    "lapsed": ("license for Test Tool in this organization is lapsed", "renew it"),
    "suspended": ("suspended the Test Tool license", "Reason given", "write to the platform team at"),
    "expired": ("has expired", "renew it"),
}
SERVING = ("active_enabled", "trialing_enabled", "grace_enabled")


ROLES = {"member": ("member", []), "editor": ("member", ["edit"]), "admin": ("admin", [])}


class People(dict):
    """The people around acme, created when a test first asks for them."""

    def __init__(self, make, org, add_member):
        super().__init__()
        self.make, self.org, self.add_member = make, org, add_member

    def __missing__(self, name):
        user = self.make(f"{name}@acme.org", platform_admin=name == "platform_admin")
        if name in ROLES:
            role, perms = ROLES[name]
            self.add_member(self.org, user, role=role, permissions={"testtool": perms})
        self[name] = user
        return user


@pytest.fixture
def acme(support, fast_user, make_org, add_member):
    owner = fast_user("owner@acme.org")
    org = make_org("acme", owner=owner)
    people = People(fast_user, org, add_member)
    people["owner"] = owner
    people["outsider"] = fast_user("outsider@beta.org")
    make_org("beta", owner=people["outsider"])

    def set_state(state: str) -> None:
        status, days, enabled = STATES[state]
        if status is not None:
            support.grant_license(org, "testtool", status=status, days=days)
        support.set_enabled(org, "testtool", enabled)

    return {"org": org, "people": people, "set_state": set_state}


def call(app, support, transport: str, method: str, user=None, org=None, slug="acme"):
    """GET or POST the test tool's records as ``user`` (None: anonymous) through a transport."""
    client = app.test_client()
    if transport == "page":
        if user is not None:
            support.login(client, user)
        url = f"/o/{slug}/testtool/" if method == "GET" else f"/o/{slug}/testtool/records"
        return client.get(url) if method == "GET" else post_with_token(client, url, {"title": "gated"},
                                                                       token_from="/login")
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {support.issue_token(org, user)}"
    url = f"/api/v1/o/{slug}/testtool/records"
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, json={"title": "gated"}, headers=headers)


def message_of(response) -> str:
    if response.is_json:
        return response.get_json()["message"]
    return html.unescape(response.get_data(as_text=True))


def record_count(app, org) -> int:
    with app.app_context(), org_scope(org.id):
        return get_db(app).session.scalar(select(func.count(TestRecord.id)))


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("state", list(STATES))
def test_member_is_served_only_when_licensed_and_enabled(app, support, acme, state, transport):
    acme["set_state"](state)
    response = call(app, support, transport, "GET", acme["people"]["member"], acme["org"])
    if state in SERVING:
        assert response.status_code == 200, response.data
        return
    assert response.status_code == 402, response.data
    assert response.is_json == (transport == "api")
    for words in REFUSALS[state]:
        assert words in message_of(response)
    if transport == "page":
        assert 'href="/marketplace/testtool"' in response.get_data(as_text=True)
    else:
        assert response.get_json()["error"] == "tool_unavailable"


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("who", ["outsider", "platform_admin"])
@pytest.mark.parametrize("state", ["no_license", "active_enabled"])
def test_non_members_get_404_whatever_the_license(app, support, acme, who, state, transport):
    acme["set_state"](state)
    user = acme["people"][who]
    for method in ("GET", "POST"):
        response = call(app, support, transport, method, user, acme["org"])
        assert response.status_code == 404, response.data
        assert response.is_json == (transport == "api")
        assert "Test Tool" not in message_of(response)
    assert record_count(app, acme["org"]) == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("who, allowed", [("member", False), ("editor", True), ("admin", True),
                                          ("owner", True)])
def test_edit_needs_the_edit_permission(app, support, acme, transport, who, allowed):
    acme["set_state"]("active_enabled")
    response = call(app, support, transport, "POST", acme["people"][who], acme["org"])
    if allowed:
        assert response.status_code == (200 if transport == "page" else 201), response.data
        assert record_count(app, acme["org"]) == 1
        return
    assert response.status_code == 403, response.data
    assert "permission 'edit'" in message_of(response)
    assert record_count(app, acme["org"]) == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("state", ["no_license", "licensed_disabled", "suspended"])
def test_license_is_checked_before_the_permission(app, support, acme, transport, state):
    acme["set_state"](state)
    for who in ("member", "editor"):
        response = call(app, support, transport, "POST", acme["people"][who], acme["org"])
        assert response.status_code == 402, response.data
    assert record_count(app, acme["org"]) == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_page_visitor_is_sent_to_login(app, support, acme, method):
    acme["set_state"]("active_enabled")
    response = call(app, support, "page", method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "next=" in response.headers["Location"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("header", [None, "Bearer to_not-a-real-token", "Basic dXNlcjpwYXNz"])
def test_api_without_a_valid_token_gets_401_json(app, acme, method, header):
    acme["set_state"]("active_enabled")
    headers = {"Authorization": header} if header else {}
    client = app.test_client()
    url = "/api/v1/o/acme/testtool/records"
    if method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, json={}, headers=headers)
    assert response.status_code == 401
    assert response.is_json and "Bearer" in response.get_json()["message"]
    assert record_count(app, acme["org"]) == 0


def test_token_of_one_org_never_opens_another(app, support, acme, grant_license):
    """The owner of beta is also a member of acme; a beta token still cannot open acme's tool."""
    acme["set_state"]("active_enabled")
    outsider = acme["people"]["outsider"]
    support.add_member(acme["org"], outsider, role="admin")
    beta = support.create_org("beta-two", owner=outsider)
    grant_license(beta, "testtool", enable=True)
    client = app.test_client()
    beta_token = {"Authorization": f"Bearer {support.issue_token(beta, outsider)}"}
    assert client.get("/api/v1/o/beta-two/testtool/records", headers=beta_token).status_code == 200
    for method in ("get", "post"):
        response = getattr(client, method)("/api/v1/o/acme/testtool/records", headers=beta_token,
                                           json={"title": "x"})
        assert response.status_code == 404, response.data
        assert response.is_json
    assert record_count(app, acme["org"]) == 0
    acme_token = {"Authorization": f"Bearer {support.issue_token(acme['org'], outsider)}"}
    assert client.get("/api/v1/o/acme/testtool/records", headers=acme_token).status_code == 200


def test_each_org_sees_only_its_own_records(app, support, acme, grant_license):
    acme["set_state"]("active_enabled")
    owner = acme["people"]["outsider"]
    beta = support.create_org("beta-three", owner=owner)
    grant_license(beta, "testtool", enable=True)
    call(app, support, "api", "POST", acme["people"]["owner"], acme["org"])
    response = call(app, support, "api", "GET", owner, beta, slug="beta-three")
    assert response.status_code == 200 and response.get_json() == {"records": []}


def test_tool_not_loaded_is_404(make_app, make_org, fast_user):
    app = make_app(plugins=[])
    owner = fast_user("owner@acme.org")
    make_org("acme", owner=owner)
    client = app.test_client()
    app.extensions["trialoffice.testing"].login(client, owner)
    assert client.get("/o/acme/testtool/").status_code == 404
    assert client.get("/api/v1/o/acme/testtool/records").status_code == 404
