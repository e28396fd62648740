"""What was sold and paid: prices, subscriptions, invoices, processed provider events, seats.

The request path never reads these tables: billing writes its outcome into ``License``, and the
gate reads only that. Card data is never stored; only the payment provider's ids are.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk.audit import audited
from sdk.models import Base, TenantMixin, TimestampMixin, UTCDateTime, utcnow

from ..words import STATUS_WORDS

BACKENDS = ("manual", "stripe")
INVOICE_STATUSES = ("open", "paid", "void", "uncollectible")


class Price(Base):
    """One price of a tool's plan for one interval. Never edited: a new price is a new row.

    When a manifest changes a plan's terms, the old row is retired (``active`` false) and a new
    one added (or the retired row with exactly those terms brought back); subscriptions keep
    pointing at the price they were bought at.
    """

    __tablename__ = "price"
    __table_args__ = (UniqueConstraint("tool_key", "plan_code", "interval", "plan_name", "amount", "currency",
                                       "per_seat", "min_seats", "trial_days", name="uq_price_terms"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    plan_code: Mapped[str] = mapped_column(String(40), nullable=False)
    plan_name: Mapped[str] = mapped_column(String(120), nullable=False)
    interval: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    per_seat: Mapped[bool] = mapped_column(Boolean, nullable=False)
    min_seats: Mapped[int] = mapped_column(Integer, nullable=False)
    trial_days: Mapped[int] = mapped_column(Integer, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    stripe_plan_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def total(self, seats: int) -> int:
        """What one period costs for ``seats`` seats, in minor units."""
        return self.amount * seats if self.per_seat else self.amount


@audited("host", entity_type="billing_customer", reason_required=False)
class BillingCustomer(TenantMixin, Base):
    """The organization as the payment provider knows it (one customer per org and backend)."""

    __tablename__ = "billing_customer"
    __table_args__ = (UniqueConstraint("org_id", "backend"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    backend: Mapped[str] = mapped_column(String(10), nullable=False)
    external_id: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)


@audited("host", entity_type="subscription", reason_required=False,
         exclude=("updated_at", "last_event_created"), values={"status": STATUS_WORDS["subscription"]})
class Subscription(TenantMixin, TimestampMixin, Base):
    """A purchase of one tool by one organization, mirrored from the billing backend.

    ``purchase_key`` is deterministic per (org, tool, open purchase), so a double-clicked purchase
    finds the first one instead of creating a second; it is also the provider's idempotency key.
    """

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("org_id", "purchase_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    price_id: Mapped[int] = mapped_column(ForeignKey("price.id"), nullable=False)
    backend: Mapped[str] = mapped_column(String(10), nullable=False)
    purchase_key: Mapped[str] = mapped_column(String(120), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    external_item_id: Mapped[str | None] = mapped_column(String(120))
    #: The provider's status (incomplete, trialing, active, past_due, canceled, ...) or, for the
    #: manual backend, pending until the first invoice is paid.
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    current_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    #: Who bought it: switches the tool on and takes a seat when the license first becomes usable.
    purchased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: ``created`` of the newest provider event applied, for the record; state is always re-fetched.
    last_event_created: Mapped[int | None] = mapped_column(Integer)

    price = relationship(Price, lazy="joined")

    @property
    def open(self) -> bool:
        return self.ended_at is None and self.status not in ("canceled", "incomplete_expired")


@audited("host", entity_type="invoice", reason_required=False, exclude=("updated_at",),
         money={"amount_due": "currency", "amount_paid": "currency", "amount_refunded": "currency"},
         values={"status": STATUS_WORDS["invoice"]})
class Invoice(TenantMixin, TimestampMixin, Base):
    """A bill for one period of one subscription: issued by the manual backend or mirrored from Stripe."""

    __tablename__ = "invoice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    amount_due: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    amount_refunded: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_note: Mapped[str | None] = mapped_column(String(500))
    refund_note: Mapped[str | None] = mapped_column(String(500))

    subscription = relationship(Subscription, lazy="joined")


class BillingEvent(Base):
    """A payment provider's event, stored in the same transaction as its effects: each id once."""

    __tablename__ = "billing_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    event_id: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(80), nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(300), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


@audited("host", entity_type="seat", reason_required=False, people=("user_id",), labels={"user_id": "Member"})
class SeatAssignment(TenantMixin, Base):
    """A member holding one seat of a per-seat license."""

    __tablename__ = "seat_assignment"
    __table_args__ = (UniqueConstraint("org_id", "tool_key", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
