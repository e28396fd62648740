"""The manual backend's calendar: renewal invoices, ends of cancelled periods, overdue renewals.

Run by the license sweep before it lapses expired licenses, so one scheduled command keeps both
backends' licenses true (Stripe runs its own calendar and tells us by webhook).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope

from ..compliance.actor import acting_as
from ..models import Invoice, Subscription
from .lifecycle import apply_subscription
from .manual import add_interval, describe, issue_invoice

#: How long before the period ends the renewal invoice is issued.
RENEWAL_NOTICE = timedelta(days=7)


@dataclass
class RenewalReport:
    invoiced: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)


def _renewal_invoice(session, sub: Subscription) -> Invoice | None:
    return session.scalar(select(Invoice).where(Invoice.subscription_id == sub.id,
                                                Invoice.period_start >= sub.current_period_end))


def run_manual_renewals(session, now: datetime | None = None) -> RenewalReport:
    now = now or utcnow()
    report = RenewalReport()
    with all_organizations():
        subs = list(session.scalars(select(Subscription).where(
            Subscription.backend == "manual", Subscription.status.in_(("active", "past_due")),
            Subscription.current_period_end.is_not(None)).order_by(Subscription.id)))
    with acting_as("system", None, "billing renewals"):
        for sub in subs:
            with org_scope(sub.org_id):
                _renew(session, sub, now, report)
    return report


def _renew(session, sub: Subscription, now: datetime, report: RenewalReport) -> None:
    label = f"{sub.tool_key} of org {sub.org_id}"
    end = sub.current_period_end
    if sub.cancel_at_period_end:
        if end <= now:
            sub.status, sub.ended_at = "canceled", end
            session.flush()
            apply_subscription(session, sub, f"cancelled subscription ended on {end:%Y-%m-%d}", now=now)
            report.ended.append(label)
        return
    renewal = _renewal_invoice(session, sub)
    if renewal is None and end - RENEWAL_NOTICE <= now:
        issue_invoice(session, sub, amount=sub.price.total(sub.seats), start=end,
                      end=add_interval(end, sub.price.interval), description=f"renewal: {describe(sub)}")
        report.invoiced.append(label)
        renewal = _renewal_invoice(session, sub)
    if renewal is not None and renewal.status == "open" and end <= now and sub.status == "active":
        sub.status = "past_due"
        session.flush()
        apply_subscription(session, sub, f"renewal invoice {renewal.number} unpaid at the end of the period",
                           now=now)
        report.overdue.append(label)
