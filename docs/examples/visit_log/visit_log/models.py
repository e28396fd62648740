"""The visit log's one table. ``TenantMixin`` gives it ``org_id`` and keeps every query and write
inside the organization in scope; ``@audited`` puts each change in the audit trail, with the
labels and words an auditor reads, and lets a visit be signed."""
from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sdk import Base, TenantMixin, TimestampMixin
from sdk.audit import audited

KINDS = {"selection": "Selection visit", "initiation": "Initiation visit", "routine": "Routine monitoring",
         "close_out": "Close-out visit"}


@audited("visit_log", entity_type="visit", label="Visit", reason_required=True,
         labels={"site": "Site", "visited_on": "Visit date", "kind": "Kind of visit", "findings": "Findings",
                 "logged_by_id": "Logged by"},
         values={"kind": KINDS}, people=("logged_by_id",),
         meanings=("reviewed", "approved"), sign_permission="log")
class Visit(TenantMixin, TimestampMixin, Base):
    __tablename__ = "visit_log_visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(120), nullable=False)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="")
    logged_by_id: Mapped[int | None] = mapped_column(Integer)
