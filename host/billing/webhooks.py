"""``POST /billing/stripe/webhook``: Stripe's events, verified, each processed once.

1. The signature is checked on the raw body (``construct_event``); anything else is 400 and
   changes nothing.
2. The event id is stored in ``billing_event`` in the same transaction as the event's effects, so
   a replay (or a concurrent duplicate, which waits on the unique index) changes nothing.
3. The event's payload is never trusted for state: the subscription is re-fetched from Stripe and
   its current state written, so order does not matter.
4. An event for no organization of ours, or of a type we do not use, is recorded and answered 200.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from sdk.audit import reason_for_change

from ..auth import csrf
from ..compliance.actor import acting_as
from ..db import db_session
from ..models import BillingEvent, Organization
from ..notifications.platform import notify_trial_ending
from .errors import ProviderError
from .stripe_sync import fetch_invoice, fetch_subscription, mirror_invoice, sync_subscription

log = logging.getLogger(__name__)
bp = Blueprint("billing_webhooks", __name__)

SUBSCRIPTION_EVENTS = ("customer.subscription.created", "customer.subscription.updated",
                       "customer.subscription.deleted", "customer.subscription.trial_will_end")
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed")
HANDLED_EVENTS = (*SUBSCRIPTION_EVENTS, *INVOICE_EVENTS, "checkout.session.completed")


@bp.post("/billing/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        return jsonify(error="not_configured", message="Stripe webhooks are not configured here."), 404
    try:
        event = stripe.Webhook.construct_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        return jsonify(error="bad_signature", message=f"The event could not be verified: {exc}"), 400
    event = event.to_dict()
    session = db_session()
    try:
        record = process_event(session, event)
    except ProviderError as exc:
        session.rollback()
        log.warning("Stripe event %s not processed: %s", event.get("id"), exc)
        return jsonify(error="provider_unavailable", message=str(exc)), 503
    if record is None:
        session.rollback()
        return jsonify(status="duplicate", event=event["id"])
    session.commit()
    return jsonify(status="processed", event=event["id"], outcome=record.outcome)


def process_event(session, event: dict) -> BillingEvent | None:
    """Apply ``event`` and record its id in the caller's transaction, which must hold nothing else
    (a replay rolls it back); None when the event was seen before."""
    record = BillingEvent(source="stripe", event_id=event["id"], type=event.get("type", "?")[:80], outcome="")
    try:
        session.add(record)
        session.flush()
    except IntegrityError:  # seen before (a concurrent duplicate waits here until the first commits)
        session.rollback()
        return None
    label = f"Stripe event {event['id']} ({record.type})"
    with acting_as("webhook", event["id"], label):
        sub = _apply(session, event, label)
    record.org_id = sub.org_id if sub is not None else None
    if record.type not in HANDLED_EVENTS:
        record.outcome = "ignored: not an event billing uses"
    elif sub is None:
        record.outcome = "ignored: no organization of ours"
        log.info("%s concerns no organization of ours", label)
    else:
        record.outcome = f"subscription {sub.external_id} is {sub.status}"
    session.flush()
    return record


def _subscription_id(event: dict) -> str | None:
    obj = event.get("data", {}).get("object", {})
    kind = event.get("type", "")
    if kind in SUBSCRIPTION_EVENTS:
        return obj.get("id")
    if kind in INVOICE_EVENTS:
        parent = ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        return parent or obj.get("subscription")
    if kind == "checkout.session.completed":
        return obj.get("subscription")
    return None


def _apply(session, event: dict, label: str):
    external_id = _subscription_id(event)
    if not external_id:
        return None
    data = fetch_subscription(external_id)
    if data is None:
        return None
    if event["type"] == "checkout.session.completed":
        data = _with_checkout_reference(data, event["data"]["object"])
    with reason_for_change(f"{label}: subscription is {data.get('status')}"):
        sub = sync_subscription(session, data, f"{label}: subscription is {data.get('status')}",
                                event_created=event.get("created"))
        invoice_id = event["data"]["object"].get("id") if event["type"] in INVOICE_EVENTS else None
        if sub is not None and invoice_id and invoice_id != (data.get("latest_invoice") or {}).get("id"):
            invoice = fetch_invoice(invoice_id)
            if invoice is not None:
                mirror_invoice(session, sub, invoice)
    if sub is not None and event["type"] == "customer.subscription.trial_will_end" and data.get("trial_end"):
        notify_trial_ending(session, session.get(Organization, sub.org_id), sub.tool_key,
                            datetime.fromtimestamp(data["trial_end"], UTC))
    return sub


def _with_checkout_reference(data: dict, checkout: dict) -> dict:
    """Checkout names the organization in ``client_reference_id``; let it identify the owner when the
    subscription's own metadata does not."""
    metadata = dict(data.get("metadata") or {})
    metadata.setdefault("org_id", checkout.get("client_reference_id"))
    for key, value in (checkout.get("metadata") or {}).items():
        metadata.setdefault(key, value)
    return {**data, "metadata": metadata}

