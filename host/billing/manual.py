"""The manual backend (the embedded default): invoices that a platform admin marks paid.

No network, no provider. A purchase issues an invoice and leaves the subscription pending until
the invoice is paid; a zero-price plan is paid at once. Renewal invoices are issued by the sweep
(``renewals.py``).
"""
from __future__ import annotations

import secrets
from calendar import monthrange
from datetime import datetime

from sqlalchemy import select

from sdk.manifest import format_money
from sdk.models import utcnow
from sdk.tenancy import org_scope

from ..models import Invoice, Organization, Subscription
from ..notifications.platform import notify_invoice_issued
from .backend import BillingBackend, StartedPurchase
from .errors import BillingError
from .lifecycle import apply_subscription, running_trial_end


def add_interval(moment: datetime, interval: str, count: int = 1) -> datetime:
    """``moment`` plus whole months or years, clamped to the month's last day (Jan 31 -> Feb 28)."""
    months = count * (12 if interval == "year" else 1)
    year, month = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + year, month + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def first_period_start(session, sub: Subscription, now: datetime) -> datetime:
    """A first period starts now, or at the end of the free trial running when it was bought."""
    return running_trial_end(session, sub.org_id, sub.tool_key, now) or now


def new_invoice_number(now: datetime | None = None) -> str:
    return f"TO-{(now or utcnow()):%Y%m}-{secrets.token_hex(4).upper()}"


def issue_invoice(session, sub: Subscription, *, amount: int, start: datetime, end: datetime,
                  description: str) -> Invoice:
    with org_scope(sub.org_id):
        invoice = Invoice(subscription_id=sub.id, number=new_invoice_number(), status="open",
                          description=description, amount_due=amount, currency=sub.price.currency,
                          period_start=start, period_end=end)
        session.add(invoice)
        session.flush()
    if amount > 0:
        notify_invoice_issued(session, invoice)
    return invoice


def describe(sub: Subscription, seats: int | None = None) -> str:
    seats = sub.seats if seats is None else seats
    seat_text = f", {seats} seat(s)" if sub.price.per_seat else ""
    return f"{sub.tool_key} {sub.price.plan_name} ({sub.price.interval}ly{seat_text})"


def mark_paid(session, invoice: Invoice, note: str, *, paid_at: datetime | None = None) -> Invoice:
    """Record payment of an open invoice; a first payment starts the subscription's period then
    (or, bought during a free trial, at the trial's end)."""
    note = (note or "").strip()
    if invoice.status != "open":
        raise BillingError(f"Invoice {invoice.number} is {invoice.status}; only an open invoice can be "
                           "marked paid.")
    if not note:
        raise BillingError("Say how the invoice was paid (e.g. the bank transfer reference).")
    paid_at = paid_at or utcnow()
    sub = invoice.subscription
    with org_scope(invoice.org_id):
        if sub.status == "pending":
            # The period starts when paid, or at the end of the trial it was bought during.
            start = invoice.period_start if invoice.period_start and invoice.period_start > paid_at else paid_at
            invoice.period_start = start
            invoice.period_end = add_interval(start, sub.price.interval)
        invoice.status, invoice.amount_paid, invoice.paid_at = "paid", invoice.amount_due, paid_at
        invoice.payment_note = note[:500]
        if sub.status in ("pending", "past_due") or (invoice.period_end and sub.current_period_end
                                                      and invoice.period_end > sub.current_period_end):
            if sub.status == "pending":
                sub.current_period_start = invoice.period_start
            sub.status = "active"
            sub.current_period_end = max(filter(None, (sub.current_period_end, invoice.period_end)))
        session.flush()
    apply_subscription(session, sub, f"invoice {invoice.number} paid: {note[:200]}")
    return invoice


def note_refund(session, invoice: Invoice, amount: int, note: str) -> Invoice:
    """Record a refund made outside the app (bank, card processor): money only, access unchanged."""
    note = (note or "").strip()
    if invoice.status != "paid":
        raise BillingError(f"Invoice {invoice.number} is {invoice.status}; only a paid invoice can be refunded.")
    if not note:
        raise BillingError("Say why and how the refund was made.")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise BillingError("The refund must be a positive amount in minor units (cents).")
    if invoice.amount_refunded + amount > invoice.amount_paid:
        left = format_money(invoice.amount_paid - invoice.amount_refunded, invoice.currency)
        raise BillingError(f"At most {left} can still be refunded on "
                           f"invoice {invoice.number}.")
    with org_scope(invoice.org_id):
        invoice.amount_refunded += amount
        invoice.refund_note = note[:500]
        session.flush()
    return invoice


def void_open_invoices(session, sub: Subscription) -> None:
    with org_scope(sub.org_id):
        for invoice in session.scalars(select(Invoice).where(Invoice.subscription_id == sub.id,
                                                             Invoice.status == "open")):
            invoice.status = "void"
        session.flush()


class ManualBackend(BillingBackend):
    name = "manual"

    def start_purchase(self, session, org: Organization, sub: Subscription, *, payment_method, return_url):
        now = utcnow()
        amount = sub.price.total(sub.seats)
        start = first_period_start(session, sub, now)
        invoice = issue_invoice(session, sub, amount=amount, start=start,
                                end=add_interval(start, sub.price.interval), description=describe(sub))
        if amount == 0:
            mark_paid(session, invoice, "free plan: nothing to pay", paid_at=now)
        return StartedPurchase()

    def change_seats(self, session, org, sub, seats):
        """More seats are billed pro rata for the rest of the period; fewer seats are not credited."""
        now = utcnow()
        added = seats - sub.seats
        if added > 0 and sub.status == "active" and sub.current_period_end and sub.current_period_end > now:
            period = (sub.current_period_end - (sub.current_period_start or now)).total_seconds() or 1
            share = (sub.current_period_end - now).total_seconds() / period
            amount = round(sub.price.amount * added * min(share, 1.0))
            if amount > 0:
                issue_invoice(session, sub, amount=amount, start=now, end=sub.current_period_end,
                              description=f"{added} added seat(s) of {describe(sub, seats)}, pro rata")
        elif sub.status == "pending":
            void_open_invoices(session, sub)
            start = first_period_start(session, sub, now)
            issue_invoice(session, sub, amount=sub.price.total(seats), start=start,
                          end=add_interval(start, sub.price.interval), description=describe(sub, seats))
        with org_scope(sub.org_id):
            sub.seats = seats
            session.flush()

    def cancel(self, session, org, sub, *, at_period_end):
        with org_scope(sub.org_id):
            if at_period_end and sub.status == "active":
                sub.cancel_at_period_end = True
            else:
                sub.status, sub.ended_at = "canceled", utcnow()
                void_open_invoices(session, sub)
            session.flush()

    def refresh(self, session, sub):
        return False
