"""Repair licenses after missed webhooks: re-read every subscription from Stripe and sync it.

Stripe retries a failed delivery for days, a local server never; either way a scheduled
``trialoffice billing reconcile`` (nightly, say) makes our rows agree with the provider again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from sdk.tenancy import all_organizations

from ..compliance.actor import acting_as
from ..models import Subscription
from .stripe_client import as_dict, provider_errors, stripe_client
from .stripe_sync import fetch_subscription, sync_subscription

RECONCILE_ACTOR = "billing reconcile"


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _provider_subscriptions() -> list[dict]:
    with provider_errors("listing subscriptions"):
        listing = stripe_client().v1.subscriptions.list(params={"status": "all", "limit": 100,
                                                                "expand": ["data.latest_invoice"]})
        return [as_dict(item) for item in listing.auto_paging_iter()]


def reconcile_stripe(session) -> ReconcileReport:
    """Sync every Stripe subscription we know of and every one Stripe lists; the caller commits."""
    report = ReconcileReport()
    with all_organizations():
        known = {sub.external_id: sub for sub in session.scalars(
            select(Subscription).where(Subscription.backend == "stripe", Subscription.external_id.is_not(None)))}
    listed = {data["id"]: data for data in _provider_subscriptions()}
    with acting_as("system", None, RECONCILE_ACTOR):
        for external_id in sorted(set(known) | set(listed)):
            report.checked += 1
            data = listed.get(external_id) or fetch_subscription(external_id)
            if data is None:
                report.missing.append(external_id)
                continue
            before = _snapshot(known.get(external_id))
            sub = sync_subscription(session, data, f"{RECONCILE_ACTOR}: subscription is {data.get('status')}")
            if sub is None:
                report.unknown.append(external_id)
            elif _snapshot(sub) != before:
                report.changed.append(f"{sub.tool_key} of org {sub.org_id}: {sub.status}, {sub.seats} seat(s)")
    return report


def _snapshot(sub: Subscription | None):
    if sub is None:
        return None
    return (sub.status, sub.seats, sub.current_period_end, sub.cancel_at_period_end, sub.price_id)



