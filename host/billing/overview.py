"""What an organization holds and pays: one builder for the billing page and the JSON API.

Per tool: the license (what the gate reads), the subscription behind it (what is billed, and
when next) and, for per-seat plans, who holds a seat; then every invoice, newest first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from sdk.models import utcnow
from sdk.tenancy import org_scope

from ..models import Invoice, License, Organization, OrgTool, Subscription, User
from .seats import seat_holders

#: Subscription statuses that renew, and so have a next charge, unless cancelled at period end.
RENEWING_STATUSES = ("active", "trialing", "past_due")


class Money(NamedTuple):
    """An amount in minor units with its currency; shown with the ``money`` filter."""

    amount: int
    currency: str


@dataclass(frozen=True)
class LicenseView:
    status: str
    plan: str
    seats: int
    valid_until: datetime | None
    trial_ends_at: datetime | None
    entitled: bool
    suspension_reason: str | None = None


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    plan: str
    plan_name: str
    interval: str
    per_seat: bool
    seats: int
    price: Money
    total: Money
    status: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    backend: str
    checkout_url: str | None
    open: bool

    @property
    def currency(self) -> str:
        return self.price.currency

    @property
    def next_charge_at(self) -> datetime | None:
        """When the next period is charged; None once it ends, is cancelled or not yet paid."""
        if not self.open or self.cancel_at_period_end or self.status not in RENEWING_STATUSES:
            return None
        return self.current_period_end

    @property
    def next_charge(self) -> Money | None:
        return self.total if self.next_charge_at else None


@dataclass(frozen=True)
class ToolBilling:
    key: str
    name: str
    enabled: bool
    license: LicenseView | None
    subscription: SubscriptionView | None
    seat_holders: list[User] = field(default_factory=list)

    @property
    def per_seat(self) -> bool:
        return bool(self.subscription and self.subscription.per_seat and self.subscription.open)

    @property
    def seats_free(self) -> int:
        held = self.license.seats if self.license else 0
        return max(0, held - len(self.seat_holders))


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    tool_key: str
    description: str
    status: str
    currency: str
    amount_due: int
    amount_paid: int
    amount_refunded: int
    period_start: datetime | None
    period_end: datetime | None
    paid_at: datetime | None
    created_at: datetime

    @property
    def due(self) -> Money:
        return Money(self.amount_due, self.currency)

    @property
    def paid(self) -> Money:
        return Money(self.amount_paid, self.currency)

    @property
    def refunded(self) -> Money:
        return Money(self.amount_refunded, self.currency)


@dataclass(frozen=True)
class BillingOverview:
    org_slug: str
    tools: list[ToolBilling]
    invoices: list[InvoiceView]

    @property
    def open_invoices(self) -> list[InvoiceView]:
        return [inv for inv in self.invoices if inv.status == "open"]

    def tool(self, key: str) -> ToolBilling | None:
        return next((t for t in self.tools if t.key == key), None)


def license_view(lic: License, now: datetime) -> LicenseView:
    return LicenseView(lic.status, lic.plan_code, lic.seats, lic.valid_until, lic.trial_ends_at,
                       lic.entitled(now), lic.suspension_reason if lic.status == "suspended" else None)


def subscription_view(sub: Subscription) -> SubscriptionView:
    price = sub.price
    return SubscriptionView(
        id=sub.id, plan=price.plan_code, plan_name=price.plan_name, interval=price.interval,
        per_seat=price.per_seat, seats=sub.seats, price=Money(price.amount, price.currency),
        total=Money(price.total(sub.seats), price.currency), status=sub.status,
        current_period_end=sub.current_period_end, cancel_at_period_end=sub.cancel_at_period_end,
        backend=sub.backend, checkout_url=sub.checkout_url if sub.status in ("pending", "incomplete") else None,
        open=sub.open)


def invoice_view(inv: Invoice) -> InvoiceView:
    return InvoiceView(inv.id, inv.number, inv.subscription.tool_key, inv.description, inv.status,
                       inv.currency, inv.amount_due, inv.amount_paid, inv.amount_refunded,
                       inv.period_start, inv.period_end, inv.paid_at, inv.created_at)


def _current_subscriptions(session) -> dict[str, Subscription]:
    """Per tool, the open subscription, else the newest one (to show how it ended)."""
    current: dict[str, Subscription] = {}
    for sub in session.scalars(select(Subscription).order_by(Subscription.id.desc())):
        held = current.get(sub.tool_key)
        if held is None or (sub.open and not held.open):
            current[sub.tool_key] = sub
    return current


def billing_overview(session, org: Organization, now: datetime | None = None) -> BillingOverview:
    """Everything ``org`` holds and pays, read inside its own tenant scope only."""
    now = now or utcnow()
    registry = current_app.extensions["trialoffice.registry"]
    with org_scope(org.id):
        licenses = {lic.tool_key: lic for lic in session.scalars(select(License))}
        subscriptions = _current_subscriptions(session)
        enabled = set(session.scalars(select(OrgTool.tool_key).where(OrgTool.enabled.is_(True))))
        invoices = [invoice_view(inv) for inv in session.scalars(
            select(Invoice).order_by(Invoice.created_at.desc(), Invoice.id.desc()))]
    tools = []
    for key in sorted(set(licenses) | set(subscriptions)):
        manifest = registry.manifest(key)
        sub = subscriptions.get(key)
        sub_view = subscription_view(sub) if sub else None
        holders = seat_holders(session, org, key) if sub_view and sub_view.per_seat else []
        tools.append(ToolBilling(key, manifest.name if manifest else key, key in enabled,
                                 license_view(licenses[key], now) if key in licenses else None,
                                 sub_view, holders))
    return BillingOverview(org.slug, tools, invoices)
