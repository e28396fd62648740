"""The Stripe backend: Checkout against real Stripe, direct subscriptions elsewhere.

Real Stripe: a Checkout Session in subscription mode (``client_reference_id`` = organization,
metadata naming organization, tool and purchase); the user pays on Stripe's page and the webhook
grants the license. A local Stripe-compatible server has no Checkout, so there the customer,
payment method and subscription are created directly. Either way the webhook handler ends in
``stripe_sync.sync_subscription``; the direct path also writes the answer through at once, because
the local server never sends ``customer.subscription.updated``.

Bought while a free trial runs, the Stripe subscription's own trial ends when ours does, so the
first charge and the first paid period start then.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from sdk.models import utcnow

from ..models import Organization, Subscription
from .backend import BillingBackend, StartedPurchase
from .errors import BillingError, BillingProblems
from .lifecycle import running_trial_end
from .stripe_client import as_dict, ensure_customer, ensure_plan, provider_errors, stripe_client
from .stripe_sync import fetch_subscription, mirror_invoice, write_state


def _metadata(org: Organization, sub: Subscription) -> dict:
    return {"org_id": str(org.id), "org_slug": org.slug, "tool_key": sub.tool_key,
            "purchase_key": sub.purchase_key}


NO_PAYMENT_METHOD = ("Enter a payment method id (from Stripe Elements; pm_card_visa in test mode): it is "
                     "needed to buy without Checkout.")
#: Stripe Checkout refuses a ``trial_end`` less than two days ahead; a trial ending sooner is
#: honoured with a billing cycle anchor instead (nothing is charged until it).
CHECKOUT_MIN_TRIAL = timedelta(days=2)


def _paid_start(session, sub: Subscription) -> dict:
    """Subscription terms that start the paid period at the end of the free trial running now."""
    ends = running_trial_end(session, sub.org_id, sub.tool_key)
    return {"trial_end": int(ends.timestamp())} if ends else {}


def _checkout_paid_start(session, sub: Subscription) -> dict:
    terms = _paid_start(session, sub)
    if terms and datetime.fromtimestamp(terms["trial_end"], tz=UTC) - utcnow() < CHECKOUT_MIN_TRIAL:
        return {"billing_cycle_anchor": terms["trial_end"], "proration_behavior": "none"}
    return terms


class StripeBackend(BillingBackend):
    name = "stripe"

    def payment_problems(self, payment_method):
        if current_app.config.get("STRIPE_CHECKOUT"):
            return []
        if not payment_method or not isinstance(payment_method, str):
            return [("payment_method", NO_PAYMENT_METHOD)]
        return []

    def start_purchase(self, session, org, sub, *, payment_method, return_url):
        plan_id = ensure_plan(session, sub.price)
        customer = ensure_customer(session, org)
        if current_app.config.get("STRIPE_CHECKOUT"):
            return self._checkout(session, org, sub, plan_id, customer, return_url)
        if not payment_method or not isinstance(payment_method, str):
            raise BillingProblems.of("payment_method", NO_PAYMENT_METHOD)
        client = stripe_client()
        with provider_errors("saving the payment method"):
            client.v1.payment_methods.attach(payment_method, params={"customer": customer})
            client.v1.customers.update(customer, params={
                "invoice_settings": {"default_payment_method": payment_method}})
        with provider_errors("starting the subscription"):
            created = client.v1.subscriptions.create(
                params={"customer": customer, "items": [{"plan": plan_id, "quantity": sub.seats}],
                        "metadata": _metadata(org, sub), "expand": ["latest_invoice"], **_paid_start(session, sub)},
                options={"idempotency_key": sub.purchase_key})
        write_state(session, sub, as_dict(created))
        session.flush()
        return StartedPurchase()

    def _checkout(self, session, org, sub, plan_id, customer, return_url):
        if not return_url:
            raise BillingError("Checkout needs a page to return to.")
        with provider_errors("opening Checkout"):
            checkout = stripe_client().v1.checkout.sessions.create(
                params={"mode": "subscription", "customer": customer, "client_reference_id": str(org.id),
                        "line_items": [{"price": plan_id, "quantity": sub.seats}],
                        "metadata": _metadata(org, sub), "subscription_data": {"metadata": _metadata(org, sub), **_checkout_paid_start(session, sub)},
                        "success_url": f"{return_url}?checkout=done", "cancel_url": f"{return_url}?checkout=cancelled"},
                options={"idempotency_key": sub.purchase_key})
        sub.checkout_url = checkout.url
        session.flush()
        return StartedPurchase(redirect_url=checkout.url)

    def change_seats(self, session, org, sub, seats):
        if not sub.external_item_id:
            raise BillingError("This subscription is not confirmed by Stripe yet; try again once it is paid.")
        client = stripe_client()
        with provider_errors("changing the seats"):
            client.v1.subscription_items.update(sub.external_item_id, params={"quantity": seats})
        self.refresh(session, sub)

    def cancel(self, session, org, sub, *, at_period_end):
        if not sub.external_id:
            sub.status, sub.ended_at = "canceled", utcnow()
            session.flush()
            return
        client = stripe_client()
        with provider_errors("cancelling the subscription"):
            if at_period_end:
                client.v1.subscriptions.update(sub.external_id, params={"cancel_at_period_end": True})
            else:
                client.v1.subscriptions.cancel(sub.external_id)
        self.refresh(session, sub)

    def refresh(self, session, sub):
        if not sub.external_id:
            return False
        data = fetch_subscription(sub.external_id)
        if data is None:
            return False
        changed = write_state(session, sub, data)
        session.flush()
        if isinstance(data.get("latest_invoice"), dict):
            mirror_invoice(session, sub, data["latest_invoice"])
        return changed
