"""Mirror a Stripe subscription (and its latest invoice) into our rows, then into the license.

Webhooks, the purchase write-through and the reconcile command all call :func:`sync_subscription`
with the subscription as Stripe reports it *now* (re-fetched, never taken from the event), so
events arriving late, twice or out of order all end in the subscription's true state.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

import stripe
from sqlalchemy import select

from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope

from ..models import BillingCustomer, Invoice, Organization, Price, Subscription
from .errors import ProviderError
from .lifecycle import apply_subscription
from .stripe_client import as_dict, stripe_client

log = logging.getLogger(__name__)


def _when(timestamp) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), tz=UTC) if timestamp else None


def _retrieve(service, object_id: str, what: str, **params) -> dict | None:
    """``service.retrieve`` as a dict, or None when Stripe does not know the object."""
    try:
        return as_dict(service.retrieve(object_id, params=params or None))
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise ProviderError(f"The payment provider refused reading the {what}: {exc}") from exc
    except stripe.StripeError as exc:
        raise ProviderError(f"The payment provider could not be asked about the {what}: {exc}") from exc


def fetch_subscription(external_id: str) -> dict | None:
    """The subscription as Stripe reports it now, with its latest invoice."""
    return _retrieve(stripe_client().v1.subscriptions, external_id, "subscription", expand=["latest_invoice"])


def fetch_invoice(external_id: str) -> dict | None:
    return _retrieve(stripe_client().v1.invoices, external_id, "invoice")


def period_bounds(data: dict) -> tuple[datetime | None, datetime | None]:
    """Since API 2025-03-31 the period lives on the item; older payloads have it on the subscription."""
    items = (data.get("items") or {}).get("data") or [{}]
    item = items[0]
    start = item.get("current_period_start") or data.get("current_period_start")
    end = item.get("current_period_end") or data.get("current_period_end")
    return _when(start), _when(end)


def effective_status(data: dict) -> str:
    """Stripe's status, except that an active subscription whose latest invoice was tried and is
    still unpaid counts as past due (Stripe itself moves it there once its retries run)."""
    invoice = data.get("latest_invoice")
    if data.get("status") == "active" and isinstance(invoice, dict) and invoice.get("status") == "open" \
            and invoice.get("attempted"):
        return "past_due"
    return data.get("status") or "incomplete"


def _item(data: dict) -> dict:
    items = (data.get("items") or {}).get("data") or []
    return items[0] if items else {}


def _plan_id(data: dict) -> str | None:
    item = _item(data)
    plan = item.get("plan") or item.get("price") or data.get("plan") or {}
    return plan.get("id") if isinstance(plan, dict) else plan


def _org_of(session, data: dict) -> Organization | None:
    org_id = (data.get("metadata") or {}).get("org_id")
    if org_id and str(org_id).isdigit():
        org = session.get(Organization, int(org_id))
        if org is not None:
            return org
    customer = data.get("customer")
    customer = customer.get("id") if isinstance(customer, dict) else customer
    if customer:
        with all_organizations():
            known = session.scalar(select(BillingCustomer).where(BillingCustomer.external_id == customer))
        if known is not None:
            return session.get(Organization, known.org_id)
    return None


def local_subscription(session, data: dict) -> Subscription | None:
    """Our row for a Stripe subscription: by its id, by the purchase key in its metadata, or a new
    row when its organization and price are known (a subscription made outside this app)."""
    with all_organizations():
        sub = session.scalar(select(Subscription).where(Subscription.external_id == data["id"]))
    if sub is not None:
        return sub
    org = _org_of(session, data)
    if org is None:
        return None
    metadata = data.get("metadata") or {}
    with org_scope(org.id):
        if metadata.get("purchase_key"):
            sub = session.scalar(select(Subscription).where(Subscription.purchase_key == metadata["purchase_key"]))
            if sub is not None:
                return sub
        price = session.scalar(select(Price).where(Price.stripe_plan_id == _plan_id(data)))
        if price is None:
            return None
        sub = Subscription(tool_key=price.tool_key, price_id=price.id, price=price, backend="stripe",
                           purchase_key=f"stripe-{data['id']}", external_id=data["id"], status="incomplete",
                           seats=int(_item(data).get("quantity") or price.min_seats))
        session.add(sub)
        session.flush()
    return sub


def write_state(session, sub: Subscription, data: dict) -> bool:
    """Copy Stripe's current state onto ``sub``; True when anything changed."""
    start, end = period_bounds(data)
    status = effective_status(data)
    values = {"external_id": data["id"], "external_item_id": _item(data).get("id"), "status": status,
              "seats": int(_item(data).get("quantity") or sub.seats), "current_period_start": start,
              "current_period_end": end, "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
              "ended_at": _when(data.get("ended_at") or data.get("canceled_at")) if status == "canceled" else None,
              "checkout_url": None}
    plan_id = _plan_id(data)
    if plan_id and plan_id != sub.price.stripe_plan_id:
        price = session.scalar(select(Price).where(Price.stripe_plan_id == plan_id))
        if price is not None:
            values.update(price_id=price.id, price=price)
    changed = {name: value for name, value in values.items() if getattr(sub, name) != value}
    for name, value in changed.items():
        setattr(sub, name, value)
    return bool(changed)


def mirror_invoice(session, sub: Subscription, data: dict) -> Invoice:
    """Keep our copy of a Stripe invoice, so the billing page shows what was charged."""
    with org_scope(sub.org_id):
        invoice = session.scalar(select(Invoice).where(Invoice.external_id == data["id"]))
        if invoice is None:
            invoice = Invoice(subscription_id=sub.id, external_id=data["id"], number=data.get("number") or data["id"],
                              description=f"{sub.tool_key} {sub.price.plan_name} (Stripe)", status="open",
                              amount_due=0, currency=sub.price.currency)
            session.add(invoice)
        status = data.get("status") if data.get("status") != "draft" else "open"
        paid_at = _when((data.get("status_transitions") or {}).get("paid_at"))
        if status == "paid" and paid_at is None:
            paid_at = invoice.paid_at or utcnow()
        values = {"status": status,
                  "amount_due": data.get("amount_due") or 0, "amount_paid": data.get("amount_paid") or 0,
                  "currency": (data.get("currency") or sub.price.currency).upper(),
                  "period_start": _when(data.get("period_start")), "period_end": _when(data.get("period_end")),
                  "paid_at": paid_at if status == "paid" else None}
        for name, value in values.items():
            if getattr(invoice, name) != value:
                setattr(invoice, name, value)
        session.flush()
    return invoice


def sync_subscription(session, data: dict, reason: str, *, event_created: int | None = None
                      ) -> Subscription | None:
    """Write ``data`` (a subscription as Stripe reports it now) into our rows and the license.

    Returns None when no organization of ours owns it (logged; the caller answers 200).
    """
    sub = local_subscription(session, data)
    if sub is None:
        log.warning("Stripe subscription %s belongs to no known organization; ignored", data.get("id"))
        return None
    with org_scope(sub.org_id):
        write_state(session, sub, data)
        if event_created and (sub.last_event_created or 0) < event_created:
            sub.last_event_created = event_created
        session.flush()
    invoice = data.get("latest_invoice")
    if isinstance(invoice, dict):
        mirror_invoice(session, sub, invoice)
    apply_subscription(session, sub, reason)
    return sub
