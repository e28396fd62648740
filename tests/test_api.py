"""The host JSON API: catalog, an organization's tools, trial/enable/disable, JSON errors, CSRF."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from host import licensing
from host.api.base import describe_validation_errors
from sdk.testing import csrf_token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, error: str | None = None) -> dict:
    """Every API error is JSON ``{"error": ..., "message": ...}`` with the right status; a 422
    also lists every problem, and the problems of each field (``sdk.forms.InputProblems``)."""
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ({"error", "message", "problems", "fields"} if status == 422 else {"error", "message"})
    assert body["message"].strip()
    if error:
        assert body["error"] == error
    return body


@pytest.fixture
def owner(make_user):
    return make_user("owner@acme.example")


@pytest.fixture
def acme(make_org, owner):
    return make_org("acme", owner=owner)


@pytest.fixture
def owner_token(support, acme, owner):
    return support.issue_token(acme, owner)


def tool_row(client, token, key="testtool", org="acme") -> dict:
    response = client.get(f"/api/v1/o/{org}/tools", headers=bearer(token))
    assert response.status_code == 200, response.data
    body = response.get_json()
    assert body["org"] == org
    return next(t for t in body["tools"] if t["key"] == key)


def parse_utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() == timedelta(0)
    return parsed


# --- catalog -----------------------------------------------------------------------------------

def test_catalog_is_public_and_lists_plans_and_permissions(client):
    response = client.get("/api/v1/tools")
    assert response.status_code == 200
    tool = next(t for t in response.get_json()["tools"] if t["key"] == "testtool")
    assert tool["name"] == "Test Tool"
    assert (tool["category"], tool["version"], tool["publisher"], tool["api_level"]) == (
        "other", "1.0.0", "Trial Office QA", 1)
    assert tool["summary"].startswith("Records and notes")
    team = next(p for p in tool["plans"] if p["code"] == "team")
    assert team == {"code": "team", "name": "Team", "amount": 150, "currency": "USD", "interval": "month",
                    "per_seat": True, "min_seats": 3, "trial_days": 14}
    assert [p["key"] for p in tool["permissions"]] == ["view", "edit"]


@pytest.mark.parametrize("query, found", [
    ("category=other", True), ("category=analytics", False), ("q=records", True), ("q=zzzunknown", False),
])
def test_catalog_filters_by_category_and_words(client, query, found):
    keys = [t["key"] for t in client.get(f"/api/v1/tools?{query}").get_json()["tools"]]
    assert ("testtool" in keys) is found


def test_catalog_rejects_an_unknown_category_with_a_readable_message(client):
    body = assert_error(client.get("/api/v1/tools?category=astrology"), 422, "invalid_input")
    assert "category" in body["message"] and "Must be one of" in body["message"]


def test_validation_messages_name_each_field():
    messages = {"json": {"name": ["Missing data for required field."], "plans": {"0": {"amount": ["Bad."]}}},
                "query": {"_schema": ["Invalid input."]}}
    assert describe_validation_errors(messages) == (
        "name: Missing data for required field.; plans.0.amount: Bad.; Invalid input.")


# --- an organization's tools -------------------------------------------------------------------

def test_org_tools_show_no_license_at_first(client, owner_token):
    row = tool_row(client, owner_token)
    assert row == {"key": "testtool", "name": "Test Tool", "license_status": None, "plan": None, "seats": 0,
                   "valid_until": None, "trial_ends_at": None, "entitled": False, "enabled": False,
                   "serving": False}


def test_org_tools_show_a_granted_license_in_utc(client, acme, owner_token, grant_license):
    grant_license(acme, "testtool", status="active", plan="team", seats=5, days=30, enable=True)
    row = tool_row(client, owner_token)
    assert (row["license_status"], row["plan"], row["seats"]) == ("active", "team", 5)
    assert (row["entitled"], row["enabled"], row["serving"]) == (True, True, True)
    days_left = parse_utc(row["valid_until"]) - datetime.now(timezone.utc)
    assert timedelta(days=29) < days_left <= timedelta(days=30)
    assert row["trial_ends_at"] is None


def test_trial_then_disable_and_enable_change_what_the_tool_does(client, owner_token):
    response = client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token))
    assert response.status_code == 201, response.data
    started = response.get_json()
    assert (started["license_status"], started["enabled"], started["serving"]) == ("trialing", True, True)
    assert parse_utc(started["trial_ends_at"]) - datetime.now(timezone.utc) > timedelta(days=13)
    assert tool_row(client, owner_token) == started
    assert client.get("/api/v1/o/acme/testtool/records", headers=bearer(owner_token)).status_code == 200

    response = client.post("/api/v1/o/acme/tools/testtool/disable", headers=bearer(owner_token))
    assert response.status_code == 200
    assert (response.get_json()["enabled"], response.get_json()["serving"]) == (False, False)
    row = tool_row(client, owner_token)
    assert (row["license_status"], row["enabled"]) == ("trialing", False)
    assert client.get("/api/v1/o/acme/testtool/records", headers=bearer(owner_token)).status_code == 402

    response = client.post("/api/v1/o/acme/tools/testtool/enable", headers=bearer(owner_token))
    assert response.status_code == 200
    assert tool_row(client, owner_token)["serving"] is True
    assert client.get("/api/v1/o/acme/testtool/records", headers=bearer(owner_token)).status_code == 200


def test_a_second_trial_is_a_conflict(client, owner_token):
    assert client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token)).status_code == 201
    body = assert_error(client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token)),
                        409, "conflict")
    assert "only once" in body["message"]


def test_enabling_without_a_license_is_a_conflict_and_changes_nothing(client, owner_token):
    body = assert_error(client.post("/api/v1/o/acme/tools/testtool/enable", headers=bearer(owner_token)),
                        409, "conflict")
    assert "needs a trial or a license" in body["message"]
    assert tool_row(client, owner_token)["enabled"] is False


def test_a_tool_without_free_trial_answers_422(app, client, owner_token):
    record = app.extensions["trialoffice.registry"].records["testtool"]
    no_trial = tuple(dataclasses.replace(p, trial_days=0) for p in record.manifest.plans)
    record.manifest = dataclasses.replace(record.manifest, plans=no_trial)
    body = assert_error(client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token)),
                        422, "invalid_input")
    assert "no free trial" in body["message"]
    assert tool_row(client, owner_token)["license_status"] is None


@pytest.mark.parametrize("action", ["trial", "enable", "disable"])
def test_an_unknown_tool_is_not_found(client, owner_token, action):
    body = assert_error(client.post(f"/api/v1/o/acme/tools/nosuchtool/{action}", headers=bearer(owner_token)),
                        404, "not_found")
    assert "nosuchtool" in body["message"]


def test_a_plain_member_may_look_but_not_change(client, support, acme, make_user, add_member):
    member = make_user("member@acme.example")
    add_member(acme, member, role="member")
    token = support.issue_token(acme, member)
    assert tool_row(client, token)["license_status"] is None
    for action in ("trial", "enable", "disable"):
        body = assert_error(client.post(f"/api/v1/o/acme/tools/testtool/{action}", headers=bearer(token)),
                            403, "forbidden")
        assert "owners and admins" in body["message"]
    assert tool_row(client, token)["license_status"] is None


def test_an_admin_may_change_tools(client, support, acme, make_user, add_member):
    admin = make_user("admin@acme.example")
    add_member(acme, admin, role="admin")
    response = client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(support.issue_token(acme, admin)))
    assert response.status_code == 201


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/o/acme/tools"), ("post", "/api/v1/o/acme/tools/testtool/trial"),
    ("post", "/api/v1/o/acme/tools/testtool/enable"), ("get", "/api/v1/o/acme/testtool/records"),
])
def test_unauthenticated_calls_get_401(client, acme, method, path):
    assert_error(getattr(client, method)(path), 401, "unauthorized")


def test_non_members_get_404(client, acme, login_as, make_user, make_org, support):
    outsider = make_user("outsider@globex.example")
    globex = make_org("globex", owner=outsider)
    token = support.issue_token(globex, outsider)
    assert_error(client.get("/api/v1/o/acme/tools", headers=bearer(token)), 404, "not_found")
    assert_error(client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(token)), 404)
    assert_error(login_as(outsider).get("/api/v1/o/acme/tools"), 404, "not_found")
    assert_error(client.get("/api/v1/o/nosuchorg/tools", headers=bearer(token)), 404)


def test_a_signed_in_session_works_too(login_as, owner, acme):
    browser = login_as(owner)
    assert browser.get("/api/v1/o/acme/tools").status_code == 200
    started = browser.post("/api/v1/o/acme/tools/testtool/trial", headers={"X-CSRFToken": csrf_token(browser)})
    assert started.status_code == 201


# --- errors are JSON ---------------------------------------------------------------------------

def test_unknown_api_urls_and_wrong_methods_answer_json(client, owner_token):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/v2/tools"), 404, "not_found")
    assert_error(client.post("/api/v1/tools"), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token)), 405)


def test_an_unexpected_failure_is_a_json_500_and_saves_nothing(client, owner_token, monkeypatch):
    def broken(session, org, key, actor):
        licensing.admin_change(session, org, key, "grant", "half-done work", actor)
        raise RuntimeError("boom")

    monkeypatch.setattr(licensing, "start_trial", broken)
    body = assert_error(client.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token)),
                        500, "internal_server_error")
    assert "boom" not in body["message"]
    assert tool_row(client, owner_token)["license_status"] is None


# --- CSRF --------------------------------------------------------------------------------------

def test_cookie_posts_need_csrf_but_bearer_posts_do_not(make_app, owner, acme, owner_token):
    csrf_app = make_app()  # the harness keeps CSRF on
    browser = csrf_app.test_client()
    csrf_app.extensions["trialoffice.testing"].login(browser, owner)
    assert browser.get("/api/v1/o/acme/tools").status_code == 200
    assert_error(browser.post("/api/v1/o/acme/tools/testtool/trial"), 400, "bad_request")
    program = csrf_app.test_client()
    assert tool_row(program, owner_token)["license_status"] is None
    response = program.post("/api/v1/o/acme/tools/testtool/trial", headers=bearer(owner_token))
    assert response.status_code == 201, response.data
