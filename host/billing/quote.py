"""What a purchase will cost before it is made: the catalog's offers and the confirmation's quote.

The quote is priced from the same ``Price`` row and seat rules as :func:`purchases.purchase`, so
the confirmation page shows exactly what will be charged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sdk.manifest import Plan

from .catalog import current_price
from .lifecycle import running_trial_end
from .manual import add_interval
from .overview import Money
from .purchases import check_terms, checked_seats, parse_seats

__all__ = ["INTERVAL_LABELS", "Offer", "Quote", "annual_saving", "parse_seats", "plan_offers", "quote"]

INTERVAL_LABELS = {"month": "Monthly", "year": "Annually"}


@dataclass(frozen=True)
class Offer:
    """One plan sold per one interval, as the tool page lists it."""

    plan: Plan
    interval: str
    price: Money
    saving: Money | None

    @property
    def label(self) -> str:
        return INTERVAL_LABELS.get(self.interval, self.interval)


def annual_saving(plan: Plan) -> Money | None:
    """How much a year costs less than twelve months (per seat for per-seat plans)."""
    amounts = plan.amounts()
    if "month" not in amounts or "year" not in amounts:
        return None
    saved = 12 * amounts["month"] - amounts["year"]
    return Money(saved, plan.currency) if saved > 0 else None


def plan_offers(plan: Plan) -> list[Offer]:
    return [Offer(plan, interval, Money(amount, plan.currency),
                  annual_saving(plan) if interval == "year" else None)
            for interval, amount in plan.amounts().items()]


@dataclass(frozen=True)
class Quote:
    tool_key: str
    tool_name: str
    plan: str
    plan_name: str
    interval: str
    per_seat: bool
    min_seats: int
    seats: int
    price: Money
    total: Money
    saving: Money | None
    #: When the first paid period starts and ends if bought now during a free trial (else None:
    #: it starts when paid).
    trial_ends_at: datetime | None = None
    first_period_end: datetime | None = None

    @property
    def interval_label(self) -> str:
        return INTERVAL_LABELS.get(self.interval, self.interval)


def quote(session, manifest, plan_code: str, interval: str, seats, org=None) -> Quote:
    """Price ``seats`` of ``plan_code`` per ``interval``; refused with the purchase's own messages,
    every problem at once. For ``org``, the first paid period starts where a purchase would start
    it: at the end of a free trial running now."""
    seats = check_terms(manifest, plan_code, interval, seats)
    price = current_price(session, manifest, plan_code, interval)
    seats = checked_seats(price, seats)
    plan = manifest.plan(plan_code)
    saving = annual_saving(plan) if interval == "year" else None
    if saving is not None and price.per_seat:
        saving = Money(saving.amount * seats, saving.currency)
    starts = running_trial_end(session, org.id, manifest.key) if org is not None else None
    return Quote(manifest.key, manifest.name, price.plan_code, price.plan_name, interval, price.per_seat,
                 price.min_seats, seats, Money(price.amount, price.currency),
                 Money(price.total(seats), price.currency), saving, starts,
                 add_interval(starts, interval) if starts else None)
