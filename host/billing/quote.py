"""What a purchase will cost before it is made: the catalog's offers and the confirmation's quote.

The quote is priced from the same ``Price`` row and seat rules as :func:`purchases.purchase`, so
the confirmation page shows exactly what will be charged.
"""
from __future__ import annotations

from dataclasses import dataclass

from sdk.manifest import Plan

from .catalog import current_price
from .errors import BillingError
from .overview import Money
from .purchases import checked_seats

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

    @property
    def interval_label(self) -> str:
        return INTERVAL_LABELS.get(self.interval, self.interval)


def parse_seats(raw) -> int | None:
    """Seats as typed in a form: empty means the plan's minimum; anything else must be a number."""
    text = (raw or "").strip() if isinstance(raw, str) else raw
    if text in ("", None):
        return None
    try:
        return int(text)
    except (TypeError, ValueError):
        raise BillingError("Seats must be a whole number.") from None


def quote(session, manifest, plan_code: str, interval: str, seats: int | None) -> Quote:
    """Price ``seats`` of ``plan_code`` per ``interval``; refused with the purchase's own messages."""
    if interval not in INTERVAL_LABELS:
        raise BillingError("Choose monthly or annual billing.")
    price = current_price(session, manifest, plan_code, interval)
    seats = checked_seats(price, seats)
    plan = manifest.plan(plan_code)
    saving = annual_saving(plan) if interval == "year" else None
    if saving is not None and price.per_seat:
        saving = Money(saving.amount * seats, saving.currency)
    return Quote(manifest.key, manifest.name, price.plan_code, price.plan_name, interval, price.per_seat,
                 price.min_seats, seats, Money(price.amount, price.currency),
                 Money(price.total(seats), price.currency), saving)
