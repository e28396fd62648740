"""Catalog prices: one ``Price`` row per plan and interval of every tool's manifest.

Prices are never edited in place. When a manifest changes a plan's terms, the old row is retired
and a new one added, so subscribers keep the price they bought at (grandfathering).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..models import Price
from .errors import BillingError, BillingProblems

TERMS = ("tool_key", "plan_code", "plan_name", "interval", "amount", "currency", "per_seat", "min_seats",
         "trial_days")


def manifest_prices(manifest) -> list[dict]:
    """The price terms a manifest sells, one dict per (plan, interval)."""
    terms = []
    for plan in manifest.plans:
        for interval, amount in plan.amounts().items():
            terms.append({"tool_key": manifest.key, "plan_code": plan.code, "plan_name": plan.name,
                          "interval": interval, "amount": amount, "currency": plan.currency,
                          "per_seat": plan.per_seat, "min_seats": plan.min_seats,
                          "trial_days": plan.trial_days})
    return terms


def sync_prices(session, manifest) -> list[Price]:
    """Bring the tool's active prices in line with its manifest; returns the active rows.

    The terms are unique, so of two requests syncing at once one fails with IntegrityError; its
    caller rolls back and syncs again (see :func:`current_price`).
    """
    rows = list(session.scalars(select(Price).where(Price.tool_key == manifest.key)))
    wanted = manifest_prices(manifest)
    current = []
    for terms in wanted:
        row = next((r for r in rows if _terms_of(r) == terms), None)
        if row is None:
            row = Price(**terms, active=True)
            session.add(row)
        row.active = True
        current.append(row)
    for row in rows:
        if row.active and row not in current:
            row.active = False
    session.flush()
    return current


def _terms_of(row: Price) -> dict:
    return {name: getattr(row, name) for name in TERMS}


def sync_all_prices(session, registry) -> int:
    """Sync every available tool's prices (run by ``trialoffice db upgrade``); returns the count."""
    return sum(len(sync_prices(session, record.manifest)) for record in registry.available())


def plan_problem(manifest, plan_code: str) -> str | None:
    """Why ``plan_code`` cannot be bought (None: it can)."""
    if manifest.plan(plan_code) is not None:
        return None
    codes = ", ".join(p.code for p in manifest.plans) or "none"
    if not plan_code:
        return f"Choose a plan of {manifest.name} (plans: {codes})."
    return f"{manifest.name} has no plan '{plan_code}' (plans: {codes})."


def interval_problem(manifest, plan, interval: str) -> str | None:
    """Why ``plan`` cannot be billed per ``interval`` (None: it can, or the plan is unknown)."""
    if interval not in ("month", "year"):
        return "Choose monthly or annual billing."
    if plan is None or interval in plan.amounts():
        return None
    return (f"The {plan.name} plan of {manifest.name} is not sold per {interval}; "
            f"choose {' or '.join(plan.amounts())}.")


def current_price(session, manifest, plan_code: str, interval: str) -> Price:
    """The price a new purchase of ``plan_code`` per ``interval`` is made at.

    Called first in a purchase, so losing a race to insert the same new price costs only a
    rollback of nothing else.
    """
    plan = manifest.plan(plan_code)
    message = plan_problem(manifest, plan_code)
    if message:
        raise BillingProblems.of("plan", message)
    message = interval_problem(manifest, plan, interval)
    if message:
        raise BillingProblems.of("interval", message)
    try:
        prices = sync_prices(session, manifest)
    except IntegrityError:
        session.rollback()
        prices = sync_prices(session, manifest)
    for price in prices:
        if price.plan_code == plan_code and price.interval == interval:
            return price
    raise BillingError(f"No price is on sale for {manifest.name} {plan.name}.")
