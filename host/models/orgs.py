"""Organizations, memberships with roles and tool permissions, invitations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk.audit import audited
from sdk.models import Base, UTCDateTime, utcnow

ORG_TYPES = {
    "sponsor": "Sponsor",
    "cro": "CRO",
    "smo": "SMO",
    "site": "Investigator site",
    "freelancer": "Freelancer",
    "publisher": "Tool publisher",
}
ROLES = ("owner", "admin", "member")
ADMIN_ROLES = ("owner", "admin")


@audited("host", entity_type="organization", reason_required=False, exclude=("tools_version",),
         org_attribute="id", values={"type": ORG_TYPES})
class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Bumped on every license or enabled-flag change; keys the per-process tool-state cache.
    tools_version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def type_label(self) -> str:
        return ORG_TYPES.get(self.type, self.type)


@audited("host", entity_type="membership", reason_required=False, people=("user_id",), labels={"user_id": "Member"})
class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    org = relationship("Organization", lazy="joined")
    user = relationship("User", lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


@audited("host", entity_type="member_permission", reason_required=False)
class MemberPermission(Base):
    """A tool permission granted to one member (owners and admins hold them all)."""

    __tablename__ = "member_permission"
    __table_args__ = (UniqueConstraint("membership_id", "tool_key", "permission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    permission: Mapped[str] = mapped_column(String(32), nullable=False)


@audited("host", entity_type="invitation", reason_required=False, exclude=("token_hash",),
         people=("invited_by_id",), labels={"invited_by_id": "Invited by"})
class Invitation(Base):
    """An invitation by link; only the SHA-256 of the link's token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org = relationship("Organization", lazy="joined")
