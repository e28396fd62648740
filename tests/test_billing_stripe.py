"""Buying through the real stripe SDK against localstripe, with its signed webhooks delivered over HTTP."""
from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest

from host.billing import BillingError, ProviderError, cancel, change_seats
from host.billing.catalog import current_price
from host.billing.seats import assign_seat
from host.billing.stripe_client import ensure_plan
from host.db import get_db
from host.licensing import LicensingError
from host.licensing_sweep import sweep_licenses
from host.models import Organization, User
from tests.billing_helpers import buy, license_of, processed_events, row_counts, subscription_of
from tests.stripe_fixtures import wait_for

THREE_D_SECURE_CARD = "4000002500003155"


@pytest.fixture
def acme(stripe_app, make_user, make_org):
    owner = make_user("owner@acme.example.org")
    return make_org("acme", owner=owner), owner


def _with_session(app, action):
    with app.app_context():
        session = get_db(app).session
        try:
            result = action(session)
            session.commit()
            return result
        except Exception:
            session.rollback()
            raise


def test_purchase_through_stripe_sdk_and_webhooks_activates_license(stripe_app, acme, login_as):
    org, owner = acme
    external_id, created = buy(stripe_app, org, owner, plan_code="team", seats=4, payment_method="pm_card_visa")
    assert created and external_id.startswith("sub_")
    wait_for(lambda: {"customer.subscription.created", "invoice.payment_succeeded"}
             <= set(processed_events(stripe_app, org)), what="localstripe's webhooks")
    lic = license_of(stripe_app, org)
    assert (lic.status, lic.seats, lic.plan_code) == ("active", 4, "team")
    sub = subscription_of(stripe_app, org)
    assert lic.valid_until == sub.current_period_end and sub.status == "active"
    # Paid: the tool is switched on at once and the buyer holds one of the four seats.
    assert login_as(owner).get("/o/acme/testtool/").status_code == 200


def test_subscription_made_outside_the_app_is_granted_by_the_webhook_alone(stripe_app, acme, stripe_sdk,
                                                                          login_as):
    """As after Stripe Checkout: the app made no call, only the signed event says what was bought."""
    org, owner = acme

    def plan_id(session):
        manifest = stripe_app.extensions["trialoffice.registry"].manifest("testtool")
        return ensure_plan(session, current_price(session, manifest, "basic", "month"))

    plan = _with_session(stripe_app, plan_id)
    customer = stripe_sdk.v1.customers.create(params={"name": "Acme"})
    stripe_sdk.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    stripe_sdk.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": "pm_card_visa"}})
    stripe_sdk.v1.subscriptions.create(params={"customer": customer.id, "items": [{"plan": plan}],
                                               "metadata": {"org_id": str(org.id), "tool_key": "testtool"}})
    assert license_of(stripe_app, org) is None
    lic = wait_for(lambda: (found := license_of(stripe_app, org)) and found.status == "active" and found,
                   what="the webhook to grant the license")
    assert lic.plan_code == "basic" and lic.seats == 1
    assert login_as(owner).get("/o/acme/testtool/").status_code == 200


def test_failed_three_d_secure_payment_never_activates(stripe_app, acme, stripe_sdk, localstripe):
    org, owner = acme
    card = stripe_sdk.v1.payment_methods.create(params={
        "type": "card", "card": {"number": THREE_D_SECURE_CARD, "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    external_id, _ = buy(stripe_app, org, owner, plan_code="basic", payment_method=card.id)
    assert subscription_of(stripe_app, org).status == "incomplete"
    assert license_of(stripe_app, org).status == "pending"
    invoice = stripe_sdk.v1.subscriptions.retrieve(external_id, params={"expand": ["latest_invoice.payment_intent"]}
                                                   ).to_dict()["latest_invoice"]
    intent = invoice["payment_intent"]
    body = urllib.parse.urlencode({"client_secret": intent["client_secret"], "success": "false"}).encode()
    request = urllib.request.Request(f"{localstripe}/v1/payment_intents/{intent['id']}/_authenticate", data=body,
                                     headers={"Authorization": "Bearer sk_test_trialoffice"})
    urllib.request.urlopen(request, timeout=10).read()
    wait_for(lambda: "invoice.payment_failed" in processed_events(stripe_app, org), what="payment_failed")
    lic = wait_for(lambda: (found := license_of(stripe_app, org)) and found.status == "lapsed" and found,
                   what="the deleted subscription to lapse the license")
    assert not lic.entitled()


def test_cancel_at_period_end_keeps_access_until_valid_until(stripe_app, acme):
    org, owner = acme
    buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")
    _with_session(stripe_app, lambda s: cancel(s, s.get(Organization, org.id), "testtool", s.get(User, owner.id)))
    sub, lic = subscription_of(stripe_app, org), license_of(stripe_app, org)
    assert sub.cancel_at_period_end and sub.status == "active"
    assert lic.status == "active" and lic.entitled() and lic.valid_until == sub.current_period_end
    assert lic.entitled(lic.valid_until - timedelta(seconds=1))
    _with_session(stripe_app, lambda s: sweep_licenses(s, lic.valid_until - timedelta(seconds=1)))
    assert license_of(stripe_app, org).status == "active"
    _with_session(stripe_app, lambda s: sweep_licenses(s, lic.valid_until + timedelta(seconds=1)))
    assert license_of(stripe_app, org).status == "lapsed"


def test_seats_are_limited_and_a_seat_change_syncs(stripe_app, acme, make_user, add_member, stripe_sdk):
    org, owner = acme
    members = [make_user(f"m{n}@acme.example.org") for n in range(3)]
    for member in members:
        add_member(org, member)
    external_id, _ = buy(stripe_app, org, owner, plan_code="team", seats=3, payment_method="pm_card_visa")

    def assign(user):
        return lambda s: assign_seat(s, s.get(Organization, org.id), "testtool", s.get(User, user.id))

    # The buyer holds the first of the three seats.
    _with_session(stripe_app, assign(members[0]))
    _with_session(stripe_app, assign(members[1]))
    with pytest.raises(LicensingError, match="All 3 seats are assigned"):
        _with_session(stripe_app, assign(members[2]))
    _with_session(stripe_app, lambda s: change_seats(s, s.get(Organization, org.id), "testtool", 5,
                                                     s.get(User, owner.id)))
    item = stripe_sdk.v1.subscriptions.retrieve(external_id).to_dict()["items"]["data"][0]
    assert int(item["quantity"]) == 5  # localstripe answers a changed quantity as a string
    assert license_of(stripe_app, org).seats == 5
    _with_session(stripe_app, assign(members[2]))
    with pytest.raises(BillingError, match="4 members hold a seat"):
        _with_session(stripe_app, lambda s: change_seats(s, s.get(Organization, org.id), "testtool", 3,
                                                         s.get(User, owner.id)))


def test_double_clicked_purchase_makes_one_subscription_and_one_license(stripe_app, acme, stripe_sdk):
    org, owner = acme
    results, errors = [], []

    def click():
        try:
            results.append(buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa"))
        except Exception as exc:  # a losing click must not fail either; collected for the assertion
            errors.append(exc)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=60)
    assert not errors and len(results) == 2
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0] == results[1][0]
    assert len(stripe_sdk.v1.subscriptions.list(params={"limit": 10}).data) == 1
    counts = row_counts(stripe_app)
    assert (counts["Subscription"], counts["License"]) == (1, 1)


def test_checkout_unavailable_is_a_clear_error_and_changes_nothing(stripe_app, acme):
    org, owner = acme
    stripe_app.config["STRIPE_CHECKOUT"] = True
    before = row_counts(stripe_app)
    before.pop("BillingEvent")  # localstripe announces the customer created before Checkout fails
    with pytest.raises(ProviderError, match="refused opening Checkout"):
        buy(stripe_app, org, owner, plan_code="basic", return_url="http://127.0.0.1/o/acme/billing")
    after = row_counts(stripe_app)
    after.pop("BillingEvent")
    assert after == before


def test_license_of_one_organization_never_unlocks_another(stripe_app, acme, make_user, make_org, login_as):
    org, owner = acme
    other_owner = make_user("owner@beta.example.org")
    beta_org = make_org("beta", owner=other_owner)
    buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")
    beta = login_as(other_owner)
    assert beta.get("/o/beta/testtool/").status_code == 402
    assert beta.get("/o/acme/testtool/").status_code == 404
    assert license_of(stripe_app, org).status == "active"
    assert license_of(stripe_app, beta_org) is None


def test_subscription_bought_during_a_trial_is_first_charged_when_the_trial_ends(stripe_app, acme, stripe_sdk):
    """Issue 10: Stripe's own trial ends with ours, so the first paid period starts then."""
    from host.licensing import start_trial

    org, owner = acme
    trial_end = _with_session(stripe_app, lambda s: start_trial(s, s.get(Organization, org.id), "testtool",
                                                                s.get(User, owner.id)).trial_ends_at)
    external_id, created = buy(stripe_app, org, owner, plan_code="team", seats=3, payment_method="pm_card_visa")
    assert created
    remote = stripe_sdk.v1.subscriptions.retrieve(external_id)
    assert remote.trial_end == int(trial_end.timestamp())
    assert license_of(stripe_app, org).status == "trialing"  # nothing is charged during the trial


@pytest.mark.parametrize(("days_left", "expected"), [(10, "trial_end"), (1, "billing_cycle_anchor"), (None, None)])
def test_checkout_starts_the_paid_period_at_the_trials_end(monkeypatch, days_left, expected):
    """Checkout refuses a trial_end under two days ahead; a billing cycle anchor then does the same."""
    from host.billing import stripe_backend
    from sdk.models import utcnow

    ends = utcnow() + timedelta(days=days_left) if days_left else None
    monkeypatch.setattr(stripe_backend, "running_trial_end", lambda *args, **kwargs: ends)
    sub = type("Sub", (), {"org_id": 1, "tool_key": "testtool"})()
    terms = stripe_backend._checkout_paid_start(None, sub)
    if expected is None:
        assert terms == {}
    else:
        assert terms[expected] == int(ends.timestamp())
        assert expected == "trial_end" or terms["proration_behavior"] == "none"
