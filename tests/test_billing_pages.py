"""The billing pages: buying from the catalog, the organization's billing page, seats, cancelling."""
from __future__ import annotations

import dataclasses
import re

import pytest

from sdk.testing import post_with_token, submit_form
from tests.billing_page_helpers import (
    flashed_invoice_number,
    free_tool,
    invoices_of,
    license_row,
    row_counts,
    sweep_after,
)
from tests.compliance_helpers import entries
from tests.runtime_fixtures import signed_in
from tests.stripe_fixtures import wait_for


@pytest.fixture
def shop(app):
    """The app ``login_as`` signs in to (every installed tool plus the test tool)."""
    return app


@pytest.fixture
def acme(shop, make_user, make_org):
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    return make_org("acme", owner=owner, name="Acme"), owner


@pytest.fixture
def platform_admin(shop, make_user, login_as):
    return login_as(make_user("root@platform.example.org", platform_admin=True))


def confirm(client, slug="acme", **terms):
    return client.get(f"/o/{slug}/billing/buy/testtool", query_string=terms)


def buy(client, slug="acme", **terms):
    """Posts the purchase whether or not the confirmation page offers it (refusals are tested)."""
    return post_with_token(client, f"/o/{slug}/billing/buy/testtool", terms)


def invoice_id(app, slug="acme", status="open"):
    return next(inv.id for inv in reversed(invoices_of(app, slug)) if inv.status == status)


def test_manual_purchase_end_to_end_from_the_pages(shop, acme, login_as, platform_admin):
    org, owner = acme
    client = login_as(owner)
    tool_page = client.get("/marketplace/testtool").get_data(as_text=True)
    assert 'data-buy="basic"' in tool_page and 'data-buy="team"' in tool_page
    assert "Annually: USD 50.00 per year (save USD 10.00)" in tool_page and "Minimum 3" in tool_page

    chosen = client.get("/marketplace/testtool/buy", query_string={"org": "acme", "plan": "basic",
                                                                   "interval": "month"})
    assert chosen.status_code == 303 and "/o/acme/billing/buy/testtool?" in chosen.location
    page = client.get(chosen.location).get_data(as_text=True)
    assert "USD 5.00 per month" in page and "An invoice of USD 5.00 is issued now" in page
    assert 'name="payment_method"' not in page

    bought = submit_form(client, chosen.location, {"plan": "basic", "interval": "month"})
    assert bought.status_code == 303 and bought.location.endswith("/o/acme/billing")
    billing = client.get("/o/acme/billing").get_data(as_text=True)
    number = flashed_invoice_number(billing)
    assert "for USD 5.00 is open" in billing and "waiting for payment" in billing
    assert license_row(shop, "acme").status == "pending"
    assert client.get("/o/acme/testtool/").status_code == 402

    invoices = platform_admin.get("/admin/billing/invoices", query_string={"status": "open"}).get_data(as_text=True)
    assert number in invoices
    invoice_page = f"/admin/billing/invoices/{invoice_id(shop)}"
    paid = submit_form(platform_admin, invoice_page, {"note": "bank ref 4711"}, action=f"{invoice_page}/paid")
    assert paid.status_code == 303
    lic = license_row(shop, "acme")
    assert lic.status == "active" and lic.valid_until is not None

    assert post_with_token(client, "/o/acme/tools/testtool/enable").status_code == 303  # already on
    assert client.get("/o/acme/testtool/").status_code == 200
    billing = client.get("/o/acme/billing").get_data(as_text=True)
    assert "USD 5.00 on" in billing and number in billing and "bank ref" not in billing

    sweep_after(shop, lic.valid_until)
    assert license_row(shop, "acme").status == "lapsed"
    assert client.get("/o/acme/testtool/").status_code == 402
    reasons = [e.reason or "" for e in entries(shop, org_id=org.id, entity_type="license")]
    assert any("purchase of Test Tool Basic" in r for r in reasons)
    assert any(f"invoice {number} paid: bank ref 4711" in r for r in reasons)
    assert any("license sweep" in r for r in reasons)


def test_annual_per_seat_confirmation_shows_exactly_what_is_charged(shop, acme, login_as):
    _, owner = acme
    page = confirm(login_as(owner), plan="team", interval="year", seats="4").get_data(as_text=True)
    assert "USD 15.00 per seat per year" in page and "USD 60.00 per year" in page
    assert "(minimum 3)" in page and "USD 12.00 less than paying monthly for a year" in page
    assert re.search(r'<input [^>]*name="seats" [^>]*value="4"', page)


def test_double_submitted_purchase_makes_one_subscription(shop, acme, login_as):
    org, owner = acme
    client = login_as(owner)
    assert buy(client, plan="team", seats="4").status_code == 303
    counts = row_counts(shop)
    second = buy(client, plan="team", seats="4")
    assert second.status_code == 303
    page = client.get("/o/acme/billing").get_data(as_text=True)
    assert "already made (the form was sent twice)" in page
    after = row_counts(shop)
    assert after == counts and (after["Subscription"], after["License"], after["Invoice"]) == (1, 1, 1)


@pytest.mark.parametrize(("terms", "message"), [
    ({"plan": "gold"}, "Test Tool has no plan &#39;gold&#39; (plans: basic, team)."),
    ({"plan": "team", "seats": "abc"}, "Seats must be a whole number."),
    ({"plan": "team", "seats": "-2"}, "The Team plan needs between 3 and 100,000 seats."),
    ({"plan": "team", "seats": "2"}, "The Team plan needs between 3 and 100,000 seats."),
    ({"plan": "basic", "seats": "5"}, "The Basic plan is a flat price per organization"),
    ({"plan": "basic", "interval": "week"}, "Choose monthly or annual billing."),
])
def test_bad_purchase_input_is_refused_and_changes_nothing(shop, acme, login_as, terms, message):
    _, owner = acme
    client = login_as(owner)
    before = row_counts(shop)
    shown = confirm(client, **terms)
    assert shown.status_code == 422 and message in shown.get_data(as_text=True)
    refused = buy(client, **terms)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert "Nothing was bought" in refused.get_data(as_text=True)
    assert row_counts(shop) == before


def test_annual_only_plan_refuses_monthly_billing(app_with, make_user, make_org, login_as):
    from sdk import Plan
    from tests.generated_tools import make_tool

    module = make_tool("yearly")
    module.manifest = dataclasses.replace(module.manifest, plans=(Plan(code="pro", name="Pro", amount=9000, interval="year"),))
    yearly = app_with(module, plugins=["testtool", "yearly"])
    owner = make_user("owner@acme.example.org")
    make_org("acme", owner=owner)
    client = signed_in(yearly, owner)
    tool_page = client.get("/marketplace/yearly").get_data(as_text=True)
    assert "Annually: USD 90.00 per year" in tool_page and "Annually only" in tool_page
    assert "Monthly" not in tool_page  # a plan sold per year only is never offered monthly
    before = row_counts(yearly)
    r = post_with_token(client, "/o/acme/billing/buy/yearly", {"plan": "pro", "interval": "month"})
    assert r.status_code == 422
    assert "The Pro plan of Yearly is not sold per month; choose year." in r.get_data(as_text=True)
    assert row_counts(yearly) == before


def test_zero_price_plan_is_active_at_once(app, app_with, make_user, make_org):
    freebie = app_with(free_tool(), plugins=["testtool", "freebie"])
    owner = make_user("owner@acme.example.org")
    make_org("acme", owner=owner)
    client = signed_in(freebie, owner)
    page = client.get("/o/acme/billing/buy/freebie", query_string={"plan": "free"}).get_data(as_text=True)
    assert "This plan is free" in page
    r = post_with_token(client, "/o/acme/billing/buy/freebie", {"plan": "free"})
    assert r.status_code == 303
    assert "Freebie is active until" in client.get("/o/acme/billing").get_data(as_text=True)
    assert license_row(freebie, "acme", "freebie").status == "active"
    assert [inv.status for inv in invoices_of(freebie, "acme")] == ["paid"]


def test_seats_are_limited_and_changes_sync(shop, acme, make_user, add_member, login_as, platform_admin):
    org, owner = acme
    members = [make_user(f"m{n}@acme.example.org") for n in range(4)]
    for member in members:
        add_member(org, member)
    client = login_as(owner)
    buy(client, plan="team", seats="3")
    post_with_token(platform_admin, f"/admin/billing/invoices/{invoice_id(shop)}/paid", {"note": "card"})
    # Paid: the tool is switched on and the buyer holds the first seat.
    assert "1 of 3 seats assigned" in client.get("/o/acme/billing").get_data(as_text=True)
    for member in members[:2]:
        assigned = submit_form(client, "/o/acme/billing", {"user_id": member.id},
                               action="/o/acme/billing/testtool/seats/assign")
        assert assigned.status_code == 303
    before = row_counts(shop)
    full = post_with_token(client, "/o/acme/billing/testtool/seats/assign", {"user_id": members[2].id})
    assert full.status_code == 422
    assert "All 3 seats are assigned; release a seat or buy more seats" in full.get_data(as_text=True)
    assert row_counts(shop) == before
    assert client.get("/o/acme/testtool/").status_code == 200
    assert login_as(members[0]).get("/o/acme/testtool/").status_code == 200
    assert login_as(members[2]).get("/o/acme/testtool/").status_code == 403

    resized = submit_form(client, "/o/acme/billing", {"seats": "5"}, action="/o/acme/billing/testtool/seats")
    assert resized.status_code == 303
    assert license_row(shop, "acme").seats == 5
    assigned = post_with_token(client, "/o/acme/billing/testtool/seats/assign", {"user_id": members[2].id})
    assert assigned.status_code == 303
    before = row_counts(shop)
    below = post_with_token(client, "/o/acme/billing/testtool/seats", {"seats": "3"})
    assert below.status_code == 422 and "4 members hold a seat of Test Tool" in below.get_data(as_text=True)
    bad = post_with_token(client, "/o/acme/billing/testtool/seats", {"seats": "many"})
    assert bad.status_code == 422 and "Seats must be a whole number." in bad.get_data(as_text=True)
    assert row_counts(shop) == before
    released = submit_form(client, "/o/acme/billing", {},
                           action=f"/o/acme/billing/testtool/seats/{members[0].id}/release")
    assert released.status_code == 303
    assert "3 of 5 seats assigned" in client.get("/o/acme/billing").get_data(as_text=True)


def test_cancel_at_period_end_needs_confirmation_and_keeps_access(shop, acme, login_as, platform_admin):
    org, owner = acme
    client = login_as(owner)
    buy(client, plan="basic")
    post_with_token(platform_admin, f"/admin/billing/invoices/{invoice_id(shop)}/paid", {"note": "wire"})
    post_with_token(client, "/o/acme/tools/testtool/enable")
    ask = client.get("/o/acme/billing/testtool/cancel")
    assert ask.status_code == 200 and "stays available to Acme until" in ask.get_data(as_text=True)
    before = row_counts(shop)
    unconfirmed = submit_form(client, "/o/acme/billing/testtool/cancel", {})
    assert unconfirmed.status_code == 422 and row_counts(shop) == before
    assert "Tick the confirmation to cancel; nothing was changed." in unconfirmed.get_data(as_text=True)
    assert submit_form(client, "/o/acme/billing/testtool/cancel", {"confirm": "y"}).status_code == 303
    page = client.get("/o/acme/billing").get_data(as_text=True)
    assert "none: cancelled, ends" in page
    lic = license_row(shop, "acme")
    assert lic.status == "active"
    assert client.get("/o/acme/testtool/").status_code == 200
    again = post_with_token(client, "/o/acme/billing/testtool/cancel", {"confirm": "yes"})
    assert again.status_code == 422 and "already cancelled" in again.get_data(as_text=True)
    sweep_after(shop, lic.valid_until)
    assert license_row(shop, "acme").status == "lapsed"
    assert client.get("/o/acme/testtool/").status_code == 402


def test_members_see_billing_read_only_and_cannot_change_it(shop, acme, make_user, add_member, login_as):
    org, owner = acme
    buy(login_as(owner), plan="team", seats="3")
    member = make_user("member@acme.example.org")
    add_member(org, member)
    client = login_as(member)
    page = client.get("/o/acme/billing").get_data(as_text=True)
    assert "Only owners and admins of Acme" in page and "Test Tool" in page
    assert "/o/acme/billing/testtool/seats" not in page and "Cancel…" not in page
    before = row_counts(shop)
    assert post_with_token(client, "/o/acme/billing/testtool/seats", {"seats": "4"}).status_code == 403
    assert post_with_token(client, "/o/acme/billing/testtool/cancel", {"confirm": "yes"}).status_code == 403
    assert post_with_token(client, "/o/acme/billing/buy/testtool", {"plan": "basic"}).status_code == 403
    assert row_counts(shop) == before


def test_an_organization_never_sees_or_changes_another_ones_billing(shop, acme, make_user, make_org, login_as,
                                                                     platform_admin):
    org, owner = acme
    client = login_as(owner)
    buy(client, plan="team", seats="3")
    post_with_token(platform_admin, f"/admin/billing/invoices/{invoice_id(shop)}/paid", {"note": "wire"})
    post_with_token(client, "/o/acme/tools/testtool/enable")
    acme_invoice = invoices_of(shop, "acme")[0].number
    other = make_user("owner@beta.example.org")
    make_org("beta", owner=other, name="Beta")
    beta = login_as(other)
    page = beta.get("/o/beta/billing").get_data(as_text=True)
    assert acme_invoice not in page and "holds no tools yet" in page
    before = row_counts(shop)
    for path, data in (("/o/acme/billing", None), ("/o/acme/billing/testtool/seats", {"seats": "9"}),
                       ("/o/acme/billing/testtool/cancel", {"confirm": "yes"}),
                       ("/o/acme/billing/buy/testtool", {"plan": "basic"})):
        answer = post_with_token(beta, path, data) if data else beta.get(path)
        assert answer.status_code == 404, path
    assert post_with_token(beta, "/o/beta/billing/testtool/seats", {"seats": "9"}).status_code == 422
    assign = post_with_token(beta, "/o/beta/billing/testtool/seats/assign", {"user_id": owner.id})
    assert assign.status_code == 422
    assert row_counts(shop) == before
    assert beta.get("/o/beta/testtool/").status_code == 402
    assert license_row(shop, "beta") is None


def test_choose_without_organization_goes_back_to_the_tool(shop, acme, login_as):
    _, owner = acme
    r = login_as(owner).get("/marketplace/testtool/buy", query_string={"plan": "basic"})
    assert r.status_code == 303 and r.location.endswith("/marketplace/testtool")


def test_payment_method_field_only_on_the_direct_stripe_path(shop, acme, login_as):
    _, owner = acme
    client = login_as(owner)
    shop.config.update(BILLING="stripe", STRIPE_CHECKOUT=False)
    page = confirm(client, plan="basic").get_data(as_text=True)
    assert 'name="payment_method"' in page and "pm_card_visa" in page
    shop.config["STRIPE_CHECKOUT"] = True
    page = confirm(client, plan="basic").get_data(as_text=True)
    assert 'name="payment_method"' not in page and "sent to Stripe" in page


def test_stripe_direct_purchase_from_the_pages_activates_through_webhooks(stripe_app, make_user, make_org):
    owner = make_user("owner@acme.example.org")
    make_org("acme", owner=owner)
    client = signed_in(stripe_app, owner)
    r = submit_form(client, "/o/acme/billing/buy/testtool?plan=team&seats=4",
                    {"plan": "team", "seats": "4", "payment_method": "pm_card_visa"},
                    action="/o/acme/billing/buy/testtool")
    assert r.status_code == 303 and r.location.endswith("/o/acme/billing")
    lic = wait_for(lambda: (row := license_row(stripe_app, "acme")) and row.status == "active" and row,
                   what="the webhooks to activate the license")
    assert lic.seats == 4
    page = client.get("/o/acme/billing").get_data(as_text=True)
    assert "USD 6.00 on" in page and "(monthly, card)" in page


def test_checkout_url_is_where_the_purchase_page_sends_the_user(shop, acme, login_as, monkeypatch):
    from host.billing import purchase_views

    _, owner = acme
    real_purchase = purchase_views.purchase

    def with_checkout(*args, **kwargs):
        result = real_purchase(*args, **kwargs)
        return dataclasses.replace(result, redirect_url="https://checkout.stripe.test/c/pay_123")

    monkeypatch.setattr(purchase_views, "purchase", with_checkout)
    r = buy(login_as(owner), plan="basic")
    assert r.status_code == 303 and r.location == "https://checkout.stripe.test/c/pay_123"


def test_purchase_form_needs_its_csrf_token(make_app, make_user, make_org):
    guarded = make_app(plugins=["testtool"])  # the harness keeps CSRF on
    owner = make_user("owner@acme.example.org")
    make_org("acme", owner=owner)
    client = signed_in(guarded, owner)
    before = row_counts(guarded)
    assert client.post("/o/acme/billing/buy/testtool", data={"plan": "basic"}).status_code == 400
    assert row_counts(guarded) == before
    page = client.get("/o/acme/billing/buy/testtool", query_string={"plan": "basic"}).get_data(as_text=True)
    assert 'name="csrf_token"' in page
