"""Grants of a tool's records to other organizations, and the tool roles members hold."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk.audit import audited
from sdk.models import Base, UTCDateTime, utcnow

from ..words import STATUS_WORDS

#: pending: waiting for the grantee's admins; active: in force; declined / revoked: ended.
GRANT_STATUSES = ("pending", "active", "declined", "revoked")


@audited("host", entity_type="share_grant", reason_required=False, org_attribute="owner_org_id",
         people=("invited_by_id",), labels={"invited_by_id": "Invited by"}, values={"status": STATUS_WORDS["grant"]})
class ShareGrant(Base):
    """One record (``record_type`` ``record_id``, optionally one ``site_id`` of it) of
    ``owner_org_id`` shared with ``grantee_org_id`` under ``roles`` of the record's tool.

    Not a tenant table: both organizations read it, and row-level security policies of shared
    tables look grants up in it (:mod:`sdk.tenancy.sharing`). ``writable`` is whether any of the
    roles may write, set whenever the roles change.
    """

    __tablename__ = "share_grant"
    __table_args__ = (
        Index("ix_share_grant_grantee", "grantee_org_id", "record_type", "record_id", "status"),
        Index("ix_share_grant_owner", "owner_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), nullable=False)
    grantee_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), nullable=False)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    record_type: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    record_label: Mapped[str] = mapped_column(String(200), nullable=False)
    site_id: Mapped[int | None] = mapped_column(Integer)
    site_label: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list] = mapped_column(JSON, nullable=False)
    writable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    message: Mapped[str | None] = mapped_column(Text)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner = relationship("Organization", foreign_keys=[owner_org_id])
    grantee = relationship("Organization", foreign_keys=[grantee_org_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def scope_label(self) -> str:
        return f"{self.record_label}, {self.site_label}" if self.site_id is not None else self.record_label


@audited("host", entity_type="member_role", reason_required=False)
class MemberRole(Base):
    """A tool role held by one member, for the whole organization or one record (and site).

    ``record_type``/``record_id`` limit it to one shared record (own or received); ``site_id``
    further to one of its sites. Owners and admins need none: they hold every permission of
    their own organization's records, and every role of a grant their organization received.
    """

    __tablename__ = "member_role"
    __table_args__ = (UniqueConstraint("membership_id", "tool_key", "role_key", "record_type", "record_id",
                                       "site_id", name="uq_member_role_membership_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    role_key: Mapped[str] = mapped_column(String(32), nullable=False)
    record_type: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    site_id: Mapped[int | None] = mapped_column(Integer)
