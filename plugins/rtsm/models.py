"""rtsm's tables. A study is the record its sponsor shares (``STUDY``): its arms, scheme versions
and depots follow the study to every grantee; what happens at a site (randomizations, kits,
shipments, dispensing, unblindings) only to the grantees of that site, in the ORM and in
PostgreSQL's row security.

- the study: :class:`Study`, :class:`Arm`, :class:`StudySite` (with its min/max stock),
  :class:`Depot`;
- randomization: :class:`Scheme` (versioned; the seed sealed by the vault), :class:`StratumList`
  (one stratum's list, sealed), :class:`Allocation` (a subject's randomization), and
  :class:`Unblinding` (an emergency code break, signed);
- supply: :class:`Kit`, :class:`Shipment`, :class:`LedgerEntry` (the stock ledger).

Arms are concealed by role, not by table: the audit entries of allocations and kits leave the arm
out (``exclude``), so a blinded person reading a record's history never sees one.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin, UTCDateTime
from sdk.audit import audited

TOOL = "rtsm"
STUDY = "rtsm.study"
SCHEME_TYPES = {"simple": "Simple", "block": "Permuted blocks", "stratified_block": "Stratified blocks",
                "minimization": "Minimization (Pocock-Simon)"}


@audited(TOOL, entity_type="study", label="Study", reason_required=False,
         labels={"protocol": "Protocol", "randomize_on_enrollment": "Randomize on EDC enrollment",
                 "do_not_ship_days": "Do-not-ship window (days)",
                 "do_not_dispense_days": "Do-not-dispense window (days)"})
class Study(TenantMixin, TimestampMixin, Base):
    __tablename__ = "rtsm_study"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    __sharing__ = Sharing(STUDY)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the protocol number; matches edc's ``trial_ref`` for randomization on enrollment
    protocol: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    randomize_on_enrollment: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: a kit expiring within this many days is never shipped (kit life + lead time + storage)
    do_not_ship_days: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    #: a kit expiring within this many days is never dispensed (the treatment period)
    do_not_dispense_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    arms = relationship(lambda: Arm, back_populates="study", order_by=lambda: Arm.position)
    sites = relationship(lambda: StudySite, back_populates="study", order_by=lambda: StudySite.code)

    def __str__(self) -> str:
        return self.name


@audited(TOOL, entity_type="arm", label="Arm", reason_required=False)
class Arm(TenantMixin, Base):
    """A treatment arm; which subject or kit is in it is what blinding hides."""

    __tablename__ = "rtsm_arm"
    __table_args__ = (UniqueConstraint("study_id", "code"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    ratio: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    study = relationship(Study, back_populates="arms")


@audited(TOOL, entity_type="site", label="Study site", reason_required=False,
         labels={"code": "Site number", "activated_at": "Activated", "min_stock": "Resupply trigger (kits)",
                 "max_stock": "Resupply up to (kits)", "initial_kits": "Initial shipment (kits)"})
class StudySite(TenantMixin, Base):
    """An investigator site of the study; a site organization's grant is limited to one."""

    __tablename__ = "rtsm_site"
    __table_args__ = (UniqueConstraint("study_id", "code"),)
    __sharing__ = Sharing(STUDY, via="study_id", site="id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: the depot that supplies the site
    depot_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_depot.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_stock: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    max_stock: Mapped[int] = mapped_column(Integer, nullable=False, default=6)
    initial_kits: Mapped[int] = mapped_column(Integer, nullable=False, default=6)
    study = relationship(Study, back_populates="sites")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


@audited(TOOL, entity_type="depot", label="Depot", reason_required=False)
class Depot(TenantMixin, Base):
    __tablename__ = "rtsm_depot"
    __table_args__ = (UniqueConstraint("study_id", "code"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


# -- randomization ------------------------------------------------------------------------

@audited(TOOL, entity_type="scheme", label="Randomization scheme", reason_required=False,
         exclude=("seed_sealed", "config", "randomized"),
         labels={"version": "Version", "type": "Scheme", "list_sha256": "List SHA-256", "study_id": "Study"},
         values={"type": SCHEME_TYPES}, people=("created_by_id",))
class Scheme(TenantMixin, TimestampMixin, Base):
    """One version of the study's randomization scheme; the newest is the one in use.

    ``config`` is :meth:`rtsm.domain.schemes.SchemeConfig.to_json` (block sizes are concealed:
    pages show them to the unblinded only); ``seed_sealed`` the seed sealed by the vault;
    ``list_sha256`` fingerprints the lists of the strata known when the version was made."""

    __tablename__ = "rtsm_scheme"
    __table_args__ = (UniqueConstraint("study_id", "version"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    config: Mapped[dict] = mapped_column(JSON, nullable=False)
    seed_sealed: Mapped[str] = mapped_column(Text, nullable=False)
    list_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    #: randomizations made under this version; incremented first in every randomization, which
    #: serializes them (a row lock on PostgreSQL, the write lock on SQLite)
    randomized: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by_id: Mapped[int | None] = mapped_column(Integer)


class StratumList(TenantMixin, Base):
    """The randomization list of one stratum of a scheme version, sealed by the vault (JSON of
    ``[arm, block, block_size]`` by position); generated from the seed when the stratum is first
    used and extended the same way, so it is the list the seed always gives."""

    __tablename__ = "rtsm_stratum_list"
    __table_args__ = (UniqueConstraint("scheme_id", "stratum"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("rtsm_scheme.id", ondelete="CASCADE"), nullable=False)
    stratum: Mapped[str] = mapped_column(String(400), nullable=False)
    length: Mapped[int] = mapped_column(Integer, nullable=False)
    entries_sealed: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    #: positions taken so far
    used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


SITE_DATA = Sharing(STUDY, via="study_id", site="site_id")


@audited(TOOL, entity_type="allocation", label="Randomization", reason_required=False,
         exclude=("arm_code", "stratum", "list_position", "scheme_id", "study_id"),
         labels={"subject": "Subject", "sequence": "Randomization number", "kit_id": "Kit id",
                 "site_id": "Site id", "factors": "Stratification factors", "source": "Randomized from",
                 "randomized_at": "Randomized", "randomized_by_id": "Randomized by"},
         values={"source": {"page": "the Randomize page", "api": "the API", "edc": "an EDC enrollment"}},
         people=("randomized_by_id",))
class Allocation(TenantMixin, Base):
    """A subject's randomization: made once, never changed (a second request returns it)."""

    __tablename__ = "rtsm_allocation"
    __table_args__ = (UniqueConstraint("study_id", "subject"), UniqueConstraint("study_id", "sequence"))
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("rtsm_scheme.id"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("rtsm_site.id"), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(60), nullable=False)
    #: the study-wide randomization number, from 1
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    stratum: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    #: position in the stratum's list (None for minimization)
    list_position: Mapped[int | None] = mapped_column(Integer)
    arm_code: Mapped[str] = mapped_column(String(20), nullable=False)
    factors: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_kit.id"))
    #: "page", "api" or "edc" (an edc.subject_enrolled event)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="page")
    randomized_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    randomized_by_id: Mapped[int | None] = mapped_column(Integer)
    site = relationship(StudySite)


@audited(TOOL, entity_type="unblinding", label="Emergency unblinding", reason_required=False,
         exclude=("study_id",), labels={"reason": "Reason", "revealed_at": "Revealed", "site_id": "Site id",
                                       "allocation_id": "Randomization id", "requested_by_id": "Requested by"},
         people=("requested_by_id",),
         meanings=("responsibility",), sign_permission="emergency_unblind",
         signed_fields=("study_id", "allocation_id", "reason", "requested_by_id"))
class Unblinding(TenantMixin, TimestampMixin, Base):
    """One emergency code break: one subject, a reason, the requester's signature; the arm is
    shown to the requester once signed (``revealed_at`` is the first time)."""

    __tablename__ = "rtsm_unblinding"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("rtsm_site.id"), nullable=False)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("rtsm_allocation.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    requested_by_id: Mapped[int] = mapped_column(Integer, nullable=False)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allocation = relationship(Allocation)


# -- supply -------------------------------------------------------------------------------

KIT_STATES = {"available": "Available", "in_transit": "In transit", "dispensed": "Dispensed",
              "quarantined": "Quarantined", "damaged": "Damaged", "missing": "Missing",
              "returned": "Returned", "destroyed": "Destroyed"}


@audited(TOOL, entity_type="kit", label="Kit", reason_required=False, exclude=("arm_code",),
         labels={"number": "Kit number", "lot": "Lot", "expiry": "Expiry", "status": "Status",
                 "depot_id": "Depot", "site_id": "Site", "allocation_id": "Dispensed to"},
         values={"status": KIT_STATES})
class Kit(TenantMixin, Base):
    """One kit of the kit list: at a depot (``depot_id``), travelling or at a site (``site_id``)."""

    __tablename__ = "rtsm_kit"
    __table_args__ = (UniqueConstraint("study_id", "number"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    arm_code: Mapped[str] = mapped_column(String(20), nullable=False)
    lot: Mapped[str] = mapped_column(String(60), nullable=False)
    expiry: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="available")
    depot_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_depot.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_site.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_shipment.id"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(Integer)
    dispensed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


SHIPMENT_STATES = {"requested": "Requested", "shipped": "Shipped", "received": "Received",
                   "cancelled": "Cancelled"}


@audited(TOOL, entity_type="shipment", label="Shipment", reason_required=False,
         labels={"number": "Shipment", "status": "Status", "kind": "Why"},
         values={"status": SHIPMENT_STATES}, people=("requested_by_id",))
class Shipment(TenantMixin, TimestampMixin, Base):
    """Kits from a depot to a site: requested -> shipped -> received (or cancelled)."""

    __tablename__ = "rtsm_shipment"
    __table_args__ = (UniqueConstraint("study_id", "number"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    depot_id: Mapped[int] = mapped_column(ForeignKey("rtsm_depot.id"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("rtsm_site.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="requested")
    #: "initial" (site activation), "resupply" (min/max) or "manual"
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="manual")
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    site = relationship(StudySite)
    depot = relationship(Depot)


class LedgerEntry(TenantMixin, Base):
    """One movement of one kit in or out of a location's stock on hand (+1 or -1), or a change of
    its state that moves nothing (0: quarantined, released, found damaged or missing).

    Stock on hand at a depot or site is the sum of its entries. Nothing is updated or deleted: a
    mistake is undone by an entry that ``reverses`` it with the opposite quantity."""

    __tablename__ = "rtsm_ledger"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("rtsm_study.id", ondelete="CASCADE"), nullable=False, index=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("rtsm_kit.id"), nullable=False, index=True)
    depot_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_depot.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_site.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    #: what moved the kit: received, shipped, dispensed, returned, quarantined, released, damaged,
    #: missing, destroyed, reversal
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("rtsm_ledger.id"))
    reference: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    by_id: Mapped[int | None] = mapped_column(Integer)
