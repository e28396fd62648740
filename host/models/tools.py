"""Per-organization tool state: the license held and the enabled flag, kept apart."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sdk.audit import audited
from sdk.models import Base, TenantMixin, TimestampMixin, UTCDateTime, utcnow

from ..words import STATUS_WORDS

LICENSE_STATUSES = ("pending", "trialing", "active", "grace", "lapsed", "suspended")
ENTITLED_STATUSES = ("trialing", "active", "grace")


@audited("host", entity_type="license", reason_required=False, exclude=("updated_at",),
         values={"status": STATUS_WORDS["license"]})
class License(TenantMixin, TimestampMixin, Base):
    """What an organization holds for one tool. The request path reads only this table."""

    __tablename__ = "license"
    __table_args__ = (UniqueConstraint("org_id", "tool_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    plan_code: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why a platform admin suspended the license, shown to the organization (None unless suspended).
    suspension_reason: Mapped[str | None] = mapped_column(String(500))

    def entitled(self, now: datetime | None = None) -> bool:
        return license_entitles(self.status, self.valid_until, now)


def license_entitles(status: str | None, valid_until: datetime | None, now: datetime | None = None) -> bool:
    if status not in ENTITLED_STATUSES:
        return False
    return valid_until is None or (now or utcnow()) < valid_until


@audited("host", entity_type="tool_switch", reason_required=False)
class OrgTool(TenantMixin, Base):
    """The per-organization enabled flag; an org admin flips it, no restart."""

    __tablename__ = "org_tool"
    __table_args__ = (UniqueConstraint("org_id", "tool_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class ToolSetting(TenantMixin, Base):
    __tablename__ = "tool_setting"
    __table_args__ = (UniqueConstraint("org_id", "tool_key", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_key: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    value: Mapped[object] = mapped_column(JSON, nullable=True)

