"""The outbox's tables: events as emitted, their deliveries (one per handler and target
organization) and the marks of events already applied by a handler.

They are platform tables, not tenant tables: the relay reads the deliveries of every
organization, then runs each handler inside its target organization's scope. ``org_id`` on a
delivery is the organization whose scope the handler runs in (the event's own organization, or
a grantee's); ``OutboxEvent.org_id`` is where the event happened.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sdk.models import Base, UTCDateTime, utcnow

#: Delivery states: waiting (first try or a retry), applied, given up after the last try, or
#: dropped because the tool no longer serves the target organization (or the grant ended).
DELIVERY_STATUSES = ("pending", "done", "dead", "skipped")
#: SQLite gives a rowid alias only to INTEGER PRIMARY KEY columns.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    __tablename__ = "outbox_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True,
                                        nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The tool whose code emitted the event, or "host".
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class OutboxDelivery(Base):
    __tablename__ = "outbox_delivery"
    __table_args__ = (UniqueConstraint("event_id", "tool_key", "org_id"),
                      Index("ix_outbox_delivery_status_available_at", "status", "available_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"), nullable=False)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True,
                                        nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: A claim's lease: a crashed worker's claim lapses at this time and the row is claimed again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProcessedEvent(Base):
    """Written in the handler's own transaction: if the mark exists, the effects exist."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"), primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
