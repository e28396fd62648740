"""A person's notifications and their email choices.

Both tables belong to a user, not to an organization: the notification centre lists a person's
notifications from every organization they are in (and the platform's own, with no organization),
so every query filters by ``user_id`` explicitly instead of by tenant scope. ``org_id`` says which
organization a notification came from.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sdk.audit import audited
from sdk.models import Base, UTCDateTime, utcnow


@audited("host", entity_type="notification", reason_required=False, exclude=("body",))
class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key"),
                      Index("ix_notification_user_id_read_at", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, default="", nullable=False)
    link: Mapped[str | None] = mapped_column(String(500))
    #: Set when the same news must reach a person once only (a trial's end, from the sweep and Stripe).
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@audited("host", entity_type="notification_preference", reason_required=False, org_attribute=None)
class NotificationPreference(Base):
    """A person's choice for one kind; no row means the default: email on."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    email: Mapped[bool] = mapped_column(Boolean, nullable=False)
