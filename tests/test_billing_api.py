"""The billing JSON API: purchase, cancel, seats and the organization's billing overview."""
from __future__ import annotations

from datetime import datetime

import pytest

from sdk.testing import submit_form
from tests.billing_page_helpers import free_tool, invoices_of, license_row, row_counts, sweep_after
from tests.compliance_helpers import entries
from tests.runtime_fixtures import support_of
from tests.stripe_fixtures import wait_for

API = "/api/v1/o/{org}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int) -> dict:
    """An API error: JSON ``{"error", "message"}`` with ``status`` (a 422 lists its ``problems``
    and ``fields`` too)."""
    assert response.status_code == status, response.data
    body = response.get_json()
    keys = {"error", "message", "problems", "fields"} if status == 422 else {"error", "message"}
    assert set(body) == keys and body["message"].strip()
    return body


@pytest.fixture
def owner(make_user):
    return make_user("owner@acme.example.org")


@pytest.fixture
def acme(make_org, owner):
    return make_org("acme", owner=owner, name="Acme")


@pytest.fixture
def headers(support, acme, owner):
    return bearer(support.issue_token(acme, owner))


@pytest.fixture
def platform_admin(make_user, login_as):
    return login_as(make_user("root@platform.example.org", platform_admin=True))


def post(client, headers, path, body=None, org="acme"):
    return client.post(API.format(org=org) + path, json=body if body is not None else {}, headers=headers)


def pay_open_invoice(app, admin_client, slug="acme"):
    invoice = next(inv for inv in invoices_of(app, slug) if inv.status == "open")
    page = f"/admin/billing/invoices/{invoice.id}"
    assert submit_form(admin_client, page, {"note": "transfer"}, action=f"{page}/paid").status_code == 303
    return invoice


def test_manual_purchase_end_to_end_through_the_api(app, client, acme, headers, platform_admin):
    r = post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    assert r.status_code == 201, r.data
    body = r.get_json()
    assert body["created"] is True and body["checkout_url"] is None
    assert body["tool"]["license_status"] == "pending" and body["tool"]["entitled"] is False
    sub = body["subscription"]
    assert (sub["plan"], sub["interval"], sub["amount"], sub["total"], sub["currency"], sub["status"]) == \
        ("basic", "month", 500, 500, "USD", "pending")
    assert sub["next_charge_at"] is None and sub["backend"] == "manual"
    assert (body["invoice"]["amount_due"], body["invoice"]["status"]) == (500, "open")
    assert client.get(API.format(org="acme") + "/testtool/records", headers=headers).status_code == 402

    invoice = pay_open_invoice(app, platform_admin)
    assert post(client, headers, "/tools/testtool/enable").status_code == 200
    assert client.get(API.format(org="acme") + "/testtool/records", headers=headers).status_code == 200

    overview = client.get(API.format(org="acme") + "/billing", headers=headers).get_json()
    assert overview["org"] == "acme"
    [tool] = overview["tools"]
    assert tool["key"] == "testtool" and tool["enabled"] is True and tool["seat_holders"] == []
    assert tool["license"]["status"] == "active" and tool["license"]["entitled"] is True
    assert tool["subscription"]["status"] == "active"
    assert tool["subscription"]["next_charge_at"] == tool["subscription"]["current_period_end"]
    assert tool["subscription"]["next_charge_amount"] == 500
    [listed] = overview["invoices"]
    assert (listed["number"], listed["status"], listed["amount_paid"], listed["tool"]) == \
        (invoice.number, "paid", 500, "testtool")

    valid_until = datetime.fromisoformat(tool["license"]["valid_until"])
    sweep_after(app, valid_until)
    assert license_row(app, "acme").status == "lapsed"
    assert client.get(API.format(org="acme") + "/testtool/records", headers=headers).status_code == 402


def test_same_purchase_twice_answers_200_with_the_same_subscription(app, client, acme, headers):
    first = post(client, headers, "/tools/testtool/purchase", {"plan": "team", "seats": 4, "interval": "year"})
    assert first.status_code == 201
    assert first.get_json()["subscription"]["total"] == 6000
    second = post(client, headers, "/tools/testtool/purchase", {"plan": "team", "seats": 4, "interval": "year"})
    assert second.status_code == 200 and second.get_json()["created"] is False
    assert second.get_json()["subscription"]["id"] == first.get_json()["subscription"]["id"]
    counts = row_counts(app)
    assert (counts["Subscription"], counts["License"], counts["Invoice"]) == (1, 1, 1)
    other = post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    body = assert_error(other, 409)
    assert "already subscribes to Test Tool" in body["message"]
    assert row_counts(app) == counts


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"plan": "gold"}, 422, "Test Tool has no plan 'gold' (plans: basic, team)."),
    ({"plan": "team", "seats": "abc"}, 422, "seats: Not a valid integer."),
    ({"plan": "team", "seats": -1}, 422, "seats: Must be greater than or equal to 1"),
    ({"plan": "team", "seats": 2}, 422, "The Team plan needs between 3 and 100,000 seats."),
    ({"plan": "basic", "seats": 4}, 422, "flat price per organization"),
    ({"plan": "basic", "interval": "week"}, 422, "interval: Must be one of: month, year."),
    ({"seats": 3}, 422, "plan: Missing data for required field."),
])
def test_bad_purchase_requests_are_refused_and_change_nothing(app, client, acme, headers, body, status, message):
    before = row_counts(app)
    answer = assert_error(post(client, headers, "/tools/testtool/purchase", body), status)
    assert message in answer["message"]
    assert row_counts(app) == before


def test_body_that_is_not_json_is_400(app, client, acme, headers):
    r = client.post("/api/v1/o/acme/tools/testtool/purchase", data="plan=basic",
                    headers={**headers, "Content-Type": "application/json"})
    assert_error(r, 400)


def test_unknown_tool_is_404(client, acme, headers):
    assert_error(post(client, headers, "/tools/nosuch/purchase", {"plan": "basic"}), 404)


def test_monthly_billing_of_a_yearly_only_plan_is_refused(app, app_with, acme, owner):
    from dataclasses import replace

    from sdk import Plan
    from tests.generated_tools import make_tool

    module = make_tool("yearly")
    module.manifest = replace(module.manifest, plans=(Plan(code="pro", name="Pro", amount=9000, interval="year"),))
    yearly = app_with(module, plugins=["testtool", "yearly"])
    token = support_of(yearly).issue_token(acme, owner)
    client = yearly.test_client()
    before = row_counts(yearly)
    refused = post(client, bearer(token), "/tools/yearly/purchase", {"plan": "pro", "interval": "month"})
    assert "not sold per month; choose year" in assert_error(refused, 422)["message"]
    assert row_counts(yearly) == before
    bought = post(client, bearer(token), "/tools/yearly/purchase", {"plan": "pro", "interval": "year"})
    assert bought.status_code == 201 and bought.get_json()["subscription"]["total"] == 9000


def test_zero_price_plan_is_active_at_once(app, app_with, acme, owner):
    freebie = app_with(free_tool(), plugins=["testtool", "freebie"])
    token = support_of(freebie).issue_token(acme, owner)
    r = post(freebie.test_client(), bearer(token), "/tools/freebie/purchase", {"plan": "free"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["tool"]["license_status"] == "active" and body["tool"]["entitled"] is True
    assert body["invoice"] is None and body["subscription"]["status"] == "active"


def test_seats_change_syncs_and_is_refused_below_assigned(app, client, acme, owner, headers, platform_admin,
                                                          make_user, add_member, login_as):
    post(client, headers, "/tools/testtool/purchase", {"plan": "team", "seats": 3})
    pay_open_invoice(app, platform_admin)
    r = post(client, headers, "/tools/testtool/seats", {"seats": 5})
    assert r.status_code == 200 and r.get_json()["seats"] == 5 and r.get_json()["total"] == 750
    assert license_row(app, "acme").seats == 5
    page = login_as(owner)
    members = [make_user(f"m{n}@acme.example.org") for n in range(3)]  # the buyer holds the first seat
    for member in members:
        add_member(acme, member)
        assigned = submit_form(page, "/o/acme/billing", {"user_id": member.id},
                               action="/o/acme/billing/testtool/seats/assign")
        assert assigned.status_code == 303
    before = row_counts(app)
    below = assert_error(post(client, headers, "/tools/testtool/seats", {"seats": 3}), 409)
    assert "4 members hold a seat of Test Tool" in below["message"]
    for body, message in (({"seats": "abc"}, "seats: Not a valid integer."),
                          ({"seats": 0}, "seats: Must be greater than or equal to 1"),
                          ({}, "seats: Missing data for required field.")):
        assert message in assert_error(post(client, headers, "/tools/testtool/seats", body), 422)["message"]
    same = assert_error(post(client, headers, "/tools/testtool/seats", {"seats": 5}), 409)
    assert "already has 5 seats" in same["message"]
    assert row_counts(app) == before
    holders = client.get(API.format(org="acme") + "/billing", headers=headers).get_json()["tools"][0]["seat_holders"]
    assert sorted(h["email"] for h in holders) == sorted([owner.email, *(m.email for m in members)])


def test_seats_without_subscription_or_on_a_flat_plan_are_refused(app, client, acme, headers):
    before = row_counts(app)
    assert "has no open subscription" in assert_error(
        post(client, headers, "/tools/testtool/seats", {"seats": 4}), 409)["message"]
    post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    before = row_counts(app)
    assert "flat price" in assert_error(post(client, headers, "/tools/testtool/seats", {"seats": 4}), 422)["message"]
    assert row_counts(app) == before


def test_cancel_at_period_end_keeps_access_until_valid_until(app, client, acme, headers, platform_admin):
    post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    pay_open_invoice(app, platform_admin)
    post(client, headers, "/tools/testtool/enable")
    r = post(client, headers, "/tools/testtool/cancel")
    assert r.status_code == 200
    sub = r.get_json()
    assert sub["cancel_at_period_end"] is True and sub["status"] == "active" and sub["next_charge_at"] is None
    lic = license_row(app, "acme")
    assert lic.status == "active" and lic.valid_until.isoformat() == datetime.fromisoformat(
        sub["current_period_end"]).isoformat()
    assert client.get(API.format(org="acme") + "/testtool/records", headers=headers).status_code == 200
    before = row_counts(app)
    assert "already cancelled" in assert_error(post(client, headers, "/tools/testtool/cancel"), 409)["message"]
    assert row_counts(app) == before
    sweep_after(app, lic.valid_until)
    assert client.get(API.format(org="acme") + "/testtool/records", headers=headers).status_code == 402


def test_cancel_now_ends_a_pending_purchase(app, client, acme, headers):
    post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    r = post(client, headers, "/tools/testtool/cancel", {"at_period_end": False})
    assert r.status_code == 200 and r.get_json()["status"] == "canceled"
    assert [inv.status for inv in invoices_of(app, "acme")] == ["void"]
    assert license_row(app, "acme").status == "lapsed"
    assert_error(post(client, headers, "/tools/testtool/cancel"), 409)


def test_members_read_admins_act_outsiders_get_404(app, client, acme, support, make_user, add_member, make_org,
                                                   headers):
    post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    member = make_user("member@acme.example.org")
    add_member(acme, member)
    member_headers = bearer(support.issue_token(acme, member))
    assert client.get(API.format(org="acme") + "/billing", headers=member_headers).status_code == 200
    before = row_counts(app)
    for path, body in (("/tools/testtool/purchase", {"plan": "basic"}), ("/tools/testtool/cancel", {}),
                       ("/tools/testtool/seats", {"seats": 4})):
        assert_error(post(client, member_headers, path, body), 403)
    outsider = make_user("owner@beta.example.org")
    beta = make_org("beta", owner=outsider)
    beta_headers = bearer(support.issue_token(beta, outsider))
    assert_error(client.get(API.format(org="acme") + "/billing", headers=beta_headers), 404)
    for path, body in (("/tools/testtool/purchase", {"plan": "basic"}), ("/tools/testtool/cancel", {}),
                       ("/tools/testtool/seats", {"seats": 4})):
        assert_error(post(client, beta_headers, path, body), 404)
    assert row_counts(app) == before
    beta_view = client.get(API.format(org="beta") + "/billing", headers=beta_headers).get_json()
    assert beta_view == {"org": "beta", "tools": [], "invoices": []}
    assert license_row(app, "beta") is None
    assert_error(client.get(API.format(org="acme") + "/billing"), 401)


def test_every_license_change_through_the_api_is_audited(app, client, acme, headers, platform_admin):
    post(client, headers, "/tools/testtool/purchase", {"plan": "team", "seats": 3})
    pay_open_invoice(app, platform_admin)
    post(client, headers, "/tools/testtool/seats", {"seats": 4})
    post(client, headers, "/tools/testtool/cancel")
    trail = entries(app, org_id=acme.id, entity_type="license")
    reasons = [e.reason or "" for e in trail]
    assert any("purchase of Test Tool Team" in r for r in reasons)
    assert any("paid: transfer" in r for r in reasons)
    assert any("seats of Test Tool changed from 3 to 4" in r for r in reasons)
    by = {e.reason.split(":")[0]: e.actor_label for e in trail if e.reason}
    assert by["purchase of Test Tool Team (monthly, 3 seat(s))"].startswith("owner@acme.example.org")
    assert by["seats of Test Tool changed from 3 to 4"].startswith("owner@acme.example.org")
    assert any(label == "root@platform.example.org" for label in by.values())


def test_billing_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    purchase = paths["/api/v1/o/{org}/tools/{key}/purchase"]["post"]
    assert {"200", "201", "402", "403", "404", "409", "422"} <= set(purchase["responses"])
    assert "requestBody" in purchase
    for path in ("/api/v1/o/{org}/tools/{key}/cancel", "/api/v1/o/{org}/tools/{key}/seats"):
        assert "post" in paths[path]
    assert "get" in paths["/api/v1/o/{org}/billing"]


def test_stripe_direct_purchase_through_the_api(stripe_app, make_user, make_org):
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    token = support_of(stripe_app).issue_token(org, owner)
    client = stripe_app.test_client()
    r = post(client, bearer(token), "/tools/testtool/purchase", {"plan": "basic", "payment_method": "pm_card_visa"})
    assert r.status_code == 201, r.data
    assert r.get_json()["subscription"]["backend"] == "stripe" and r.get_json()["invoice"] is None
    wait_for(lambda: (row := license_row(stripe_app, "acme")) and row.status == "active",
             what="the webhooks to activate the license")
    overview = client.get(API.format(org="acme") + "/billing", headers=bearer(token)).get_json()
    assert overview["tools"][0]["license"]["entitled"] is True
    assert overview["tools"][0]["subscription"]["next_charge_amount"] == 500


def test_checkout_url_is_answered_for_the_client_to_follow(app, client, acme, headers, monkeypatch):
    import dataclasses

    from host.api import billing as billing_api

    real_purchase = billing_api.purchase

    def with_checkout(*args, **kwargs):
        return dataclasses.replace(real_purchase(*args, **kwargs), redirect_url="https://checkout.stripe.test/c/1")

    monkeypatch.setattr(billing_api, "purchase", with_checkout)
    r = post(client, headers, "/tools/testtool/purchase", {"plan": "basic"})
    assert r.status_code == 201 and r.get_json()["checkout_url"] == "https://checkout.stripe.test/c/1"


def test_seats_are_assigned_and_released_through_the_api(app, client, acme, owner, headers, platform_admin,
                                                         make_user, add_member, make_org):
    post(client, headers, "/tools/testtool/purchase", {"plan": "team", "seats": 3})
    pay_open_invoice(app, platform_admin)
    members = [make_user(f"s{n}@acme.example.org") for n in range(3)]
    for member in members:
        add_member(acme, member)
    outsider = make_user("someone@beta.example.org")
    make_org("beta", owner=outsider)
    for member in members[:2]:
        r = post(client, headers, "/tools/testtool/seats/assign", {"email": member.email})
        assert r.status_code == 200
    assert sorted(h["email"] for h in r.get_json()["holders"]) == sorted([owner.email, *(m.email for m in members[:2])])
    before = row_counts(app)
    full = assert_error(post(client, headers, "/tools/testtool/seats/assign", {"email": members[2].email}), 409)
    assert "All 3 seats are assigned" in full["message"]
    stranger = assert_error(post(client, headers, "/tools/testtool/seats/assign", {"email": outsider.email}), 422)
    assert "is not a member of Acme" in stranger["message"]
    twice = assert_error(post(client, headers, "/tools/testtool/seats/release", {"email": members[2].email}), 409)
    assert "holds no seat" in twice["message"]
    assert "Not a valid email" in assert_error(post(client, headers, "/tools/testtool/seats/assign",
                                                    {"email": "nobody"}), 422)["message"]
    assert row_counts(app) == before
    released = post(client, headers, "/tools/testtool/seats/release", {"email": members[0].email})
    assert released.status_code == 200 and len(released.get_json()["holders"]) == 2
    assert post(client, headers, "/tools/testtool/seats/assign", {"email": members[2].email}).status_code == 200
    seat_entries = entries(app, entity_type="seat")
    assert len(seat_entries) == 5  # buyer, two assigned, one released, one assigned
