"""The Stripe webhook: verified on the raw body, each event once, order never trusted."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from host.cli import cli
from host.db import get_db
from host.models import AuditEntry
from tests.billing_helpers import buy, license_of, processed_events, row_counts, subscription_of
from tests.stripe_fixtures import send_event, signed, wait_for


def _acme(make_user, make_org):
    owner = make_user("owner@acme.example.org")
    return make_org("acme", owner=owner), owner


def _audit_count(app) -> int:
    with app.app_context():
        return get_db(app).session.scalar(select(func.count(AuditEntry.id)))


def _settled(app, org, *types):
    wait_for(lambda: set(types) <= set(processed_events(app, org)), what=f"events {types}")


def test_every_delivered_event_replayed_changes_nothing(stripe_app, make_user, make_org):
    org, owner = _acme(make_user, make_org)
    buy(stripe_app, org, owner, plan_code="team", seats=3, payment_method="pm_card_visa")
    _settled(stripe_app, org, "customer.subscription.created", "invoice.payment_succeeded")
    recorder = stripe_app.extensions["test.webhooks"]
    wait_for(lambda: len(recorder.deliveries) == len(processed_events(stripe_app)), what="all deliveries")
    deliveries = list(recorder.deliveries)
    before, audit_before = row_counts(stripe_app), _audit_count(stripe_app)
    client = stripe_app.test_client()
    for body, signature in deliveries:
        response = client.post("/billing/stripe/webhook", data=body, headers={"Stripe-Signature": signature},
                               content_type="application/json")
        assert response.status_code == 200 and response.json["status"] == "duplicate"
    assert len(deliveries) >= 4
    assert row_counts(stripe_app) == before
    assert _audit_count(stripe_app) == audit_before


def test_tampered_body_and_wrong_secret_are_refused(stripe_app, make_user, make_org):
    org, owner = _acme(make_user, make_org)
    external_id, _ = buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")
    before, lic_before = row_counts(stripe_app), license_of(stripe_app, org)
    client = stripe_app.test_client()
    event = {"id": "evt_forged", "object": "event", "type": "customer.subscription.deleted", "created": 1,
             "data": {"object": {"id": external_id, "object": "subscription", "status": "canceled"}}}
    body, header = signed(event)
    tampered = body.replace(b'"canceled"', b'"cancelled"')
    assert client.post("/billing/stripe/webhook", data=tampered, headers={"Stripe-Signature": header},
                       content_type="application/json").status_code == 400
    response = send_event(client, "customer.subscription.deleted", event["data"]["object"], secret="whsec_wrong")
    assert response.status_code == 400 and "could not be verified" in response.json["message"]
    assert client.post("/billing/stripe/webhook", data=body, content_type="application/json").status_code == 400
    assert row_counts(stripe_app) == before
    lic = license_of(stripe_app, org)
    assert (lic.status, lic.valid_until) == (lic_before.status, lic_before.valid_until)
    assert lic.status == "active"


def test_out_of_order_events_end_in_the_true_state(stripe_app, make_user, make_org, stripe_sdk):
    org, owner = _acme(make_user, make_org)
    external_id, _ = buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")
    client = stripe_app.test_client()
    stale = {"id": external_id, "object": "subscription", "status": "past_due", "metadata": {}}
    # An "updated" before localstripe's own "created" arrives, claiming a stale past_due.
    assert send_event(client, "customer.subscription.updated", stale).status_code == 200
    assert license_of(stripe_app, org).status == "active"
    _settled(stripe_app, org, "customer.subscription.created")
    # The stale past_due again, after everything else: the re-fetched subscription still wins.
    assert send_event(client, "customer.subscription.updated", stale, created=1).status_code == 200
    assert send_event(client, "customer.subscription.deleted", {**stale, "status": "canceled"}).status_code == 200
    assert (license_of(stripe_app, org).status, subscription_of(stripe_app, org).status) == ("active", "active")
    # Now Stripe really changes it (localstripe sends no "updated"): a signed event carries the news.
    stripe_sdk.v1.subscriptions.update(external_id, params={"cancel_at_period_end": True})
    assert send_event(client, "customer.subscription.updated", stale).status_code == 200
    assert subscription_of(stripe_app, org).cancel_at_period_end


def test_unpaid_renewal_puts_the_license_in_grace_then_paid_restores_it(stripe_app, make_user, make_org,
                                                                        stripe_sdk):
    org, owner = _acme(make_user, make_org)
    external_id, _ = buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")
    customer = stripe_sdk.v1.subscriptions.retrieve(external_id).customer
    failing = stripe_sdk.v1.payment_methods.attach("pm_card_chargeCustomerFail", params={"customer": customer}).id
    stripe_sdk.v1.customers.update(customer, params={"invoice_settings": {"default_payment_method": failing}})
    stripe_sdk.v1.invoice_items.create(params={"customer": customer, "amount": 500, "currency": "usd",
                                               "subscription": external_id})
    renewal = stripe_sdk.v1.invoices.create(params={"customer": customer, "subscription": external_id})
    try:
        stripe_sdk.v1.invoices.pay(renewal.id)
    except Exception:  # the card is refused, as intended; the invoice stays open
        pass
    client = stripe_app.test_client()
    payload = {"id": renewal.id, "object": "invoice", "subscription": external_id, "status": "open"}
    assert send_event(client, "invoice.payment_failed", payload).status_code == 200
    lic = license_of(stripe_app, org)
    assert lic.status == "grace" and lic.entitled()
    working = stripe_sdk.v1.payment_methods.attach("pm_card_visa", params={"customer": customer}).id
    stripe_sdk.v1.customers.update(customer, params={"invoice_settings": {"default_payment_method": working}})
    stripe_sdk.v1.invoices.pay(renewal.id)
    assert send_event(client, "invoice.paid", {**payload, "status": "paid"}).status_code == 200
    assert license_of(stripe_app, org).status == "active"


def test_checkout_session_completed_links_the_subscription_to_the_organization(stripe_app, make_user, make_org,
                                                                             stripe_sdk):
    org, owner = _acme(make_user, make_org)
    buy(stripe_app, org, owner, plan_code="basic", payment_method="pm_card_visa")  # creates the Stripe plan
    plan = subscription_of(stripe_app, org).price.stripe_plan_id
    beta_owner = make_user("owner@beta.example.org")
    beta = make_org("beta", owner=beta_owner)
    customer = stripe_sdk.v1.customers.create(params={"name": "Beta, paying on Checkout"})
    stripe_sdk.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    stripe_sdk.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": "pm_card_visa"}})
    paid = stripe_sdk.v1.subscriptions.create(params={"customer": customer.id, "items": [{"plan": plan}]})
    session = {"id": "cs_test_1", "object": "checkout.session", "client_reference_id": str(beta.id),
               "customer": customer.id, "subscription": paid.id, "metadata": {"tool_key": "testtool"}}
    response = send_event(stripe_app.test_client(), "checkout.session.completed", session)
    assert response.status_code == 200 and response.json["status"] == "processed"
    assert license_of(stripe_app, beta).status == "active"


def test_events_for_unknown_organizations_or_unused_types_are_answered_200(stripe_app, stripe_sdk):
    client = stripe_app.test_client()
    customer = stripe_sdk.v1.customers.create(params={"name": "Nobody we know"})
    stripe_sdk.v1.products.create(params={"id": "elsewhere", "name": "Elsewhere"})
    stripe_sdk.v1.plans.create(params={"id": "elsewhere_plan", "product": "elsewhere", "amount": 100,
                                       "currency": "usd", "interval": "month"})
    stripe_sdk.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    stripe_sdk.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": "pm_card_visa"}})
    foreign = stripe_sdk.v1.subscriptions.create(params={"customer": customer.id, "items": [{"plan": "elsewhere_plan"}]})
    response = send_event(client, "customer.subscription.updated", {"id": foreign.id, "object": "subscription"})
    assert response.status_code == 200 and "no organization" in response.json["outcome"]
    response = send_event(client, "charge.refunded", {"id": "ch_1", "object": "charge"})
    assert response.status_code == 200 and "ignored" in response.json["outcome"]
    assert row_counts(stripe_app)["License"] == 0


def test_reconcile_repairs_what_missed_webhooks_left_behind(stripe_app, make_user, make_org, stripe_sdk):
    org, owner = _acme(make_user, make_org)
    external_id, _ = buy(stripe_app, org, owner, plan_code="team", seats=3, payment_method="pm_card_visa")
    # Every delivery of the purchase processed first: a late one re-reads the subscription and
    # would apply the new quantity itself, racing the reconcile this test is about.
    _settled(stripe_app, org, "customer.subscription.created", "invoice.payment_succeeded")
    recorder = stripe_app.extensions["test.webhooks"]
    wait_for(lambda: len(recorder.deliveries) == len(processed_events(stripe_app)), what="all deliveries")
    item = stripe_sdk.v1.subscriptions.retrieve(external_id).to_dict()["items"]["data"][0]["id"]
    stripe_sdk.v1.subscription_items.update(item, params={"quantity": 7})  # no webhook tells the app
    assert license_of(stripe_app, org).seats == 3
    result = CliRunner().invoke(cli, ["billing", "reconcile"], obj=lambda config=None: stripe_app)
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    assert license_of(stripe_app, org).seats == 7
    again = CliRunner().invoke(cli, ["billing", "reconcile"], obj=lambda config=None: stripe_app)
    assert "0 changed" in again.output
    with stripe_app.app_context():
        reasons = [json.dumps(e.reason) for e in get_db(stripe_app).session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "license").order_by(AuditEntry.id))]
    assert any("billing reconcile" in reason for reason in reasons)
