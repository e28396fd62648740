"""Write a subscription's state into the organization's license: the one place billing and the
gate meet. Both backends, the webhooks and the reconcile command end here.

Status map: active -> active, trialing -> trialing, past_due (or an unpaid renewal) -> grace until
the grace period ends, incomplete/pending -> pending (a running trial keeps running), canceled,
unpaid, incomplete_expired -> lapsed. An admin's suspension is never lifted by billing.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.tenancy import org_scope

from ..licensing import set_enabled
from ..models import License, Organization, Subscription, User, license_entitles
from .seats import assign_seat, is_per_seat

LICENSE_STATUS_OF = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "grace",
    "pending": "pending",
    "incomplete": "pending",
    "canceled": "lapsed",
    "unpaid": "lapsed",
    "incomplete_expired": "lapsed",
    "paused": "lapsed",
}


def license_status_for(sub: Subscription) -> str:
    return LICENSE_STATUS_OF.get(sub.status, "pending")


def running_trial_end(session, org_id: int, tool_key: str, now=None):
    """When the organization's running free trial of ``tool_key`` ends, or None (no trial runs).

    A paid period bought while a trial runs starts at the trial's end, never on top of it: the
    days of the trial are not charged for (manual invoices and Stripe's ``trial_end`` alike).
    """
    now = now or utcnow()
    with org_scope(org_id):
        lic = session.scalar(select(License).where(License.tool_key == tool_key))
    if lic is None or lic.status != "trialing" or not license_entitles(lic.status, lic.valid_until, now):
        return None
    ends = lic.trial_ends_at or lic.valid_until
    return ends if ends is not None and ends > now else None


def _newer_subscription_exists(session, sub: Subscription) -> bool:
    """A late event about an old subscription must not undo what a newer purchase holds."""
    newer = select(Subscription.id).where(Subscription.tool_key == sub.tool_key, Subscription.id > sub.id)
    return session.scalar(newer.limit(1)) is not None


def apply_subscription(session, sub: Subscription, reason: str, *, now=None) -> License | None:
    """Bring the license of ``sub``'s organization and tool in line with ``sub``; returns it.

    Only fields that differ are written, so applying the same state twice records nothing. A grace
    period runs from ``now`` (the sweep passes the moment it sweeps for).
    """
    now = now or utcnow()
    with org_scope(sub.org_id):
        if _newer_subscription_exists(session, sub):
            return None
        lic = session.scalar(select(License).where(License.tool_key == sub.tool_key))
        target = license_status_for(sub)
        if lic is None:
            lic = License(tool_key=sub.tool_key, plan_code=sub.price.plan_code, status="pending", seats=sub.seats)
            session.add(lic)
        was_usable = lic.id is not None and license_entitles(lic.status, lic.valid_until, now)
        changes = _license_changes(lic, sub, target, now)
        for name, value in changes.items():
            setattr(lic, name, value)
        with reason_for_change(reason):
            session.flush()
        if not was_usable and license_entitles(lic.status, lic.valid_until, now):
            _put_to_use(session, sub, lic)
    return lic


def _put_to_use(session, sub: Subscription, lic: License) -> None:
    """A purchase that has just become usable is switched on, and its buyer takes a seat, so the
    organization can use what it paid for at once (as after a free trial starts)."""
    org = session.get(Organization, sub.org_id)
    buyer = session.get(User, sub.purchased_by_id) if sub.purchased_by_id else None
    set_enabled(session, org, sub.tool_key, True, buyer)
    if buyer is not None and is_per_seat(lic):
        assign_seat(session, org, sub.tool_key, buyer, quiet=True)


def _license_changes(lic: License, sub: Subscription, target: str, now) -> dict:
    changes = {"plan_code": sub.price.plan_code, "seats": sub.seats}
    if target in ("active", "trialing"):
        changes.update(status=target, valid_until=sub.current_period_end,
                       trial_ends_at=sub.current_period_end if target == "trialing" else None)
    elif target == "grace":
        grace_days = current_app.config["BILLING_GRACE_DAYS"]
        if lic.status != "grace":
            changes.update(status="grace", valid_until=now + timedelta(days=grace_days))
    elif target == "pending":
        if lic.status == "trialing" and license_entitles(lic.status, lic.valid_until, now):
            return {}
        changes.update(status="pending", valid_until=None)
    else:
        ended = sub.ended_at or now
        changes.update(status="lapsed",
                       valid_until=min(lic.valid_until, ended) if lic.valid_until else ended)
    if lic.status == "suspended":
        changes.pop("status", None)
    return {name: value for name, value in changes.items() if getattr(lic, name) != value}
