"""Buying, re-sizing and cancelling a tool: the rules every page, API call and backend share.

Each function validates first and raises :class:`BillingError` with a message for the user before
anything is written; the caller commits (or rolls back on an error).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sdk.tenancy import org_scope

from ..licensing import MAX_SEATS, _attributed_to, get_license
from ..models import License, Organization, Subscription, User
from .backend import billing_backend
from .catalog import current_price, interval_problem, plan_problem
from .errors import BillingError, BillingProblems
from .lifecycle import apply_subscription
from .seats import assigned_count


@dataclass
class PurchaseResult:
    subscription: Subscription
    license: License | None
    redirect_url: str | None
    created: bool


def _manifest(tool_key: str):
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    if manifest is None:
        raise BillingError(f"There is no available tool '{tool_key}'.")
    return manifest


def open_subscription(session, org: Organization, tool_key: str) -> Subscription | None:
    with org_scope(org.id):
        subs = session.scalars(select(Subscription).where(Subscription.tool_key == tool_key,
                                                          Subscription.ended_at.is_(None))
                               .order_by(Subscription.id.desc()))
        return next((sub for sub in subs if sub.open), None)


def seats_problem(per_seat: bool, min_seats: int, plan_name: str, seats) -> str | None:
    """Why ``seats`` cannot be billed on a plan with these terms (None: they can)."""
    if not per_seat:
        if seats not in (None, 1, min_seats):
            return f"The {plan_name} plan is a flat price per organization; it has no seats to choose."
        return None
    if seats is None:
        return None
    if isinstance(seats, bool) or not isinstance(seats, int):
        return "Seats must be a whole number."
    if not min_seats <= seats <= MAX_SEATS:
        return f"The {plan_name} plan needs between {min_seats} and {MAX_SEATS:,} seats."
    return None


def checked_seats(price, seats) -> int:
    """The seat count to bill: flat plans have one; per-seat plans at least their minimum."""
    message = seats_problem(price.per_seat, price.min_seats, price.plan_name, seats)
    if message:
        raise BillingProblems.of("seats", message)
    return seats if price.per_seat and seats is not None else price.min_seats


def parse_seats(raw) -> int | None:
    """Seats as typed in a form: empty means the plan's minimum; anything else must be a number."""
    text = (raw or "").strip() if isinstance(raw, str) else raw
    if text in ("", None):
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    try:
        return int(text)
    except (TypeError, ValueError):
        raise BillingProblems.of("seats", "Seats must be a whole number.") from None


def check_terms(manifest, plan_code: str, interval: str, seats, *, payment_method: str | None = None,
                backend=None) -> int | None:
    """Every problem of a purchase's terms at once, each naming its field; returns the seats asked.

    Pages and the API call this before anything is priced or written, so a person and a program
    read the same messages. ``seats`` may be typed text or a number; ``backend`` adds what it
    needs (a payment method on the direct Stripe path)."""
    problems = BillingProblems()
    plan = manifest.plan(plan_code or "")
    for name, message in (("plan", plan_problem(manifest, plan_code)),
                          ("interval", interval_problem(manifest, plan, interval))):
        if message:
            problems.add(name, message)
    try:
        seats = parse_seats(seats)
    except BillingProblems as bad:
        problems.items.extend(bad.items)
        seats = None
    else:
        message = plan and seats_problem(plan.per_seat, plan.min_seats, plan.name, seats)
        if message:
            problems.add("seats", message)
    if backend is not None:
        for name, message in backend.payment_problems(payment_method):
            problems.add(name, message)
    problems.raise_if_any()
    return seats


def _purchase_key(session, org: Organization, tool_key: str) -> str:
    """Deterministic per (organization, tool, n-th purchase): a double click computes the same key."""
    with org_scope(org.id):
        earlier = session.scalar(select(func.count(Subscription.id)).where(Subscription.tool_key == tool_key))
    return f"purchase-{org.id}-{tool_key}-{earlier + 1}"


def purchase(session, org: Organization, tool_key: str, *, plan_code: str, interval: str = "month",
             seats: int | None = None, actor: User | None, payment_method: str | None = None,
             return_url: str | None = None) -> PurchaseResult:
    """Buy ``tool_key`` for ``org``; the license follows what the backend reports.

    Asking again for the same purchase while it is open answers with it (a double click makes one
    subscription); any other purchase of a tool already subscribed is refused. Losing a race with
    an identical concurrent purchase rolls back the caller's transaction (there is nothing in it yet).
    """
    manifest = _manifest(tool_key)
    backend = billing_backend()
    seats = check_terms(manifest, plan_code, interval, seats, payment_method=payment_method, backend=backend)
    price = current_price(session, manifest, plan_code, interval)
    seats = checked_seats(price, seats)
    existing = open_subscription(session, org, tool_key)
    if existing is not None:
        return _same_purchase(session, org, existing, plan_code, interval, seats, manifest)
    with _attributed_to(actor), org_scope(org.id):
        sub = Subscription(tool_key=tool_key, price_id=price.id, price=price, backend=backend.name,
                           purchase_key=_purchase_key(session, org, tool_key), status="pending", seats=seats,
                           purchased_by_id=actor.id if actor is not None else None)
        try:
            session.add(sub)
            session.flush()
        except IntegrityError:
            # A concurrent click inserted the same purchase key first (this one waited on it).
            session.rollback()
            raced = open_subscription(session, org, tool_key)
            if raced is None:
                raise BillingError("Another purchase of this tool was just made; reload the page.") from None
            return _same_purchase(session, org, raced, plan_code, interval, seats, manifest)
        started = backend.start_purchase(session, org, sub, payment_method=payment_method, return_url=return_url)
        reason = f"purchase of {manifest.name} {price.plan_name} ({interval}ly, {seats} seat(s))"
        lic = apply_subscription(session, sub, reason)
    return PurchaseResult(sub, lic, started.redirect_url, True)


def _same_purchase(session, org: Organization, sub: Subscription, plan_code: str, interval: str, seats: int,
                   manifest) -> PurchaseResult:
    if (sub.price.plan_code, sub.price.interval, sub.seats) == (plan_code, interval, seats):
        return PurchaseResult(sub, get_license(session, org, sub.tool_key), sub.checkout_url, False)
    raise BillingError(f"This organization already subscribes to {manifest.name}; change its seats or "
                       "cancel it on the billing page instead of buying it again.")


def change_seats(session, org: Organization, tool_key: str, seats, actor: User | None) -> Subscription:
    """Re-size a per-seat subscription; refused below the seats already assigned."""
    manifest = _manifest(tool_key)
    sub = _subscription_or_error(session, org, tool_key, manifest)
    if not sub.price.per_seat:
        raise BillingProblems.of("seats", f"The {sub.price.plan_name} plan of {manifest.name} is a flat price; "
                                          "it has no seats.")
    seats = checked_seats(sub.price, parse_seats(seats))
    if seats == sub.seats:
        raise BillingProblems.of("seats", f"{manifest.name} already has {seats} seats.")
    in_use = assigned_count(session, org, tool_key)
    if seats < in_use:
        raise BillingProblems.of("seats", f"{in_use} members hold a seat of {manifest.name}; release seats "
                                          f"before going down to {seats}.")
    with _attributed_to(actor), org_scope(org.id):
        previous = sub.seats
        billing_backend(sub.backend).change_seats(session, org, sub, seats)
        apply_subscription(session, sub, f"seats of {manifest.name} changed from {previous} to {seats}")
    return sub


def cancel(session, org: Organization, tool_key: str, actor: User | None, *, at_period_end: bool = True
           ) -> Subscription:
    """Cancel; by default access continues until the end of the period already paid for."""
    manifest = _manifest(tool_key)
    sub = _subscription_or_error(session, org, tool_key, manifest)
    if at_period_end and sub.cancel_at_period_end:
        raise BillingError(f"{manifest.name} is already cancelled at the end of its period.")
    with _attributed_to(actor), org_scope(org.id):
        billing_backend(sub.backend).cancel(session, org, sub, at_period_end=at_period_end)
        when = "at the end of the period" if at_period_end else "immediately"
        apply_subscription(session, sub, f"{manifest.name} subscription cancelled {when}")
    return sub


def _subscription_or_error(session, org: Organization, tool_key: str, manifest) -> Subscription:
    sub = open_subscription(session, org, tool_key)
    if sub is None:
        raise BillingError(f"{org.name} has no open subscription for {manifest.name}.")
    return sub


__all__ = ["PurchaseResult", "cancel", "change_seats", "check_terms", "checked_seats", "open_subscription",
           "parse_seats", "purchase"]
