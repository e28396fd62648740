"""The official ``stripe`` SDK, configured from the app, and the Stripe objects billing relies on.

Catalog prices become Stripe Plans (``items[].plan``), which real Stripe and local
Stripe-compatible servers both accept; customers are created once per organization.
"""
from __future__ import annotations

from contextlib import contextmanager

import stripe
from flask import current_app
from sqlalchemy import select

from sdk.tenancy import org_scope

from ..models import BillingCustomer, Organization, Price
from .errors import ProviderError

EXTENSION_KEY = "trialoffice.stripe"


def stripe_client() -> stripe.StripeClient:
    """One client per app (it keeps a connection pool)."""
    client = current_app.extensions.get(EXTENSION_KEY)
    if client is None:
        config = current_app.config
        if not config.get("STRIPE_API_KEY"):
            raise ProviderError("Stripe is not configured (STRIPE_API_KEY is unset).")
        extra = {"base_addresses": {"api": config["STRIPE_API_BASE"]}} if config.get("STRIPE_API_BASE") else {}
        client = stripe.StripeClient(config["STRIPE_API_KEY"], max_network_retries=2, **extra)
        current_app.extensions[EXTENSION_KEY] = client
    return client


@contextmanager
def provider_errors(doing: str):
    """Turn the SDK's errors into a :class:`ProviderError` whose message the user can act on."""
    try:
        yield
    except stripe.CardError as exc:
        raise ProviderError(f"The card was refused while {doing}: {exc.user_message or exc}") from exc
    except stripe.StripeError as exc:
        raise ProviderError(f"The payment provider refused {doing}: {exc.user_message or exc}") from exc


def as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _exists(retrieve, object_id: str) -> bool:
    try:
        retrieve(object_id)
        return True
    except stripe.InvalidRequestError:
        return False


def ensure_plan(session, price: Price) -> str:
    """The Stripe Plan id of ``price``, creating its Product and Plan on first use."""
    if price.stripe_plan_id:
        return price.stripe_plan_id
    client = stripe_client()
    product_id = f"trialoffice_{price.tool_key}"
    plan_id = f"trialoffice_{price.tool_key}_{price.plan_code}_{price.interval}_{price.id}"
    with provider_errors("setting up the price"):
        if not _exists(client.v1.products.retrieve, product_id):
            client.v1.products.create(params={"id": product_id, "name": price.tool_key,
                                              "metadata": {"tool_key": price.tool_key}})
        if not _exists(client.v1.plans.retrieve, plan_id):
            client.v1.plans.create(params={"id": plan_id, "product": product_id, "amount": price.amount,
                                           "currency": price.currency.lower(), "interval": price.interval,
                                           "metadata": {"tool_key": price.tool_key, "plan": price.plan_code,
                                                        "price_id": str(price.id)}})
    price.stripe_plan_id = plan_id
    session.flush()
    return plan_id


def customer_of(session, org_id: int) -> BillingCustomer | None:
    with org_scope(org_id):
        return session.scalar(select(BillingCustomer).where(BillingCustomer.backend == "stripe"))


def ensure_customer(session, org: Organization) -> str:
    """The organization's Stripe customer id, created (with the org in its metadata) on first use."""
    existing = customer_of(session, org.id)
    if existing is not None:
        return existing.external_id
    with provider_errors("creating the customer"):
        customer = stripe_client().v1.customers.create(params={
            "name": org.name, "metadata": {"org_id": str(org.id), "org_slug": org.slug}})
    with org_scope(org.id):
        session.add(BillingCustomer(backend="stripe", external_id=customer.id))
        session.flush()
    return customer.id
