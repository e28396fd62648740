"""site_select's tables: the site master, per-trial history, weight presets, shortlists, imports.

Every table is owned by one organization (``TenantMixin``) and carries ``org_id`` in its unique
keys. Rows users change are ``@audited``; imported rows are written in bulk and audited through
their :class:`ImportBatch` (one entry per batch naming the counts and the stored source files).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, TenantMixin, TimestampMixin, UTCDateTime, utcnow
from sdk.audit import audited

TOOL = "site_select"
HISTORY_SOURCES = ("import", "manual", "event")


@audited(TOOL, entity_type="site", reason_required=False)
class Site(TenantMixin, TimestampMixin, Base):
    """A facility with its investigators; ``normalized_name`` + country + city identify it."""

    __tablename__ = "site_select_site"
    __table_args__ = (UniqueConstraint("org_id", "normalized_name", "country", "city"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    normalized_name: Mapped[str] = mapped_column(String(300), nullable=False, index=True)
    country: Mapped[str] = mapped_column(String(2), nullable=False, index=True)
    city: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    therapeutic_areas: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    conditions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    network: Mapped[str | None] = mapped_column(String(200), index=True)
    investigators: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_select_import_batch.id", ondelete="SET NULL"))

    @property
    def ref(self) -> str:
        """The reference other tools carry in events (``site_ref``)."""
        return str(self.id)


@audited(TOOL, entity_type="history", reason_required=False)
class TrialHistory(TenantMixin, TimestampMixin, Base):
    """One site's performance in one trial, from an import, by hand or from edc/pmcp events."""

    __tablename__ = "site_select_history"
    __table_args__ = (UniqueConstraint("org_id", "site_id", "trial_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site_select_site.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    trial_ref: Mapped[str] = mapped_column(String(64), nullable=False)
    trial_title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    phase: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    condition: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    therapeutic_area: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    selected_on: Mapped[date | None] = mapped_column(Date)
    activated_on: Mapped[date | None] = mapped_column(Date)
    first_subject_in: Mapped[date | None] = mapped_column(Date)
    last_subject_in: Mapped[date | None] = mapped_column(Date)
    #: The study's start date from the registry; dates the row when the site's own are unknown.
    started_on: Mapped[date | None] = mapped_column(Date)
    screened: Mapped[int | None] = mapped_column(Integer)
    enrolled: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[int | None] = mapped_column(Integer)
    queries_per_100: Mapped[float | None] = mapped_column(Float)
    deviations: Mapped[int | None] = mapped_column(Integer)
    #: Raw counts behind ``queries_per_100`` when it is built from edc form events.
    data_points: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    queries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="manual")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_select_import_batch.id", ondelete="SET NULL"))

    site = relationship("Site", lazy="raise")


@audited(TOOL, entity_type="weight_preset", reason_required=False, people=("created_by_id",))
class WeightPreset(TenantMixin, TimestampMixin, Base):
    """A named set of ranking weights, saved so that a feasibility team ranks consistently."""

    __tablename__ = "site_select_weight_preset"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    weights: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: The member who saved it: theirs to change and delete (services/ownership.py).
    created_by_id: Mapped[int | None] = mapped_column(Integer)


@audited(TOOL, entity_type="shortlist", reason_required=False, meanings=("approved",),
         sign_permission="rank", labels={"name": "Shortlist name", "trial_ref": "Trial reference",
                                         "spec": "Trial specification and weights",
                                         "handed_off_at": "Handed to project planning",
                                         "created_by_id": "Created by"}, people=("created_by_id",))
class Shortlist(TenantMixin, TimestampMixin, Base):
    """Sites picked for one trial, with the trial spec they were ranked for."""

    __tablename__ = "site_select_shortlist"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    trial_ref: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    spec: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The member who made it: theirs to change and delete (services/ownership.py).
    created_by_id: Mapped[int | None] = mapped_column(Integer)

    entries = relationship("ShortlistEntry", back_populates="shortlist", lazy="selectin",
                           order_by="ShortlistEntry.position", cascade="all, delete-orphan")

    def signed_content(self) -> dict:
        """An approval covers the sites on the list too: removing one makes it stale."""
        return {"sites": [entry.site_id for entry in self.entries]}


@audited(TOOL, entity_type="shortlist_entry", reason_required=False)
class ShortlistEntry(TenantMixin, Base):
    __tablename__ = "site_select_shortlist_entry"
    __table_args__ = (UniqueConstraint("org_id", "shortlist_id", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(
        ForeignKey("site_select_shortlist.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site_select_site.id", ondelete="CASCADE"),
                                         nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    expected_rate: Mapped[float | None] = mapped_column(Float)

    shortlist = relationship("Shortlist", back_populates="entries")
    site = relationship("Site", lazy="joined")


@audited(TOOL, entity_type="import_batch", reason_required=False)
class ImportBatch(TenantMixin, Base):
    """One AACT-layout upload: what it added and every row it refused, with the reason."""

    __tablename__ = "site_select_import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    files: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    sites_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sites_merged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    history_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    history_skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected or [])
