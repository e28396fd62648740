"""A study, its sites and its metadata versions (the definition, kept as ODM 1.3.2 text)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin, UTCDateTime
from sdk.audit import audited

TOOL = "edc"
STUDY = "edc.study"
#: a study's state: open for data entry, frozen (no entry; queries go on), locked (nothing changes)
STUDY_STATES = {"open": "Open", "frozen": "Frozen", "locked": "Locked"}


@audited(TOOL, entity_type="study", label="Study", reason_required=False,
         labels={"oid": "Study OID", "protocol_name": "Protocol", "state": "State"},
         values={"state": STUDY_STATES})
class Study(TenantMixin, TimestampMixin, Base):
    __tablename__ = "edc_study"
    __table_args__ = (UniqueConstraint("org_id", "oid"),)
    __sharing__ = Sharing(STUDY)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    oid: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    protocol_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    sites = relationship(lambda: StudySite, back_populates="study", order_by=lambda: StudySite.code)

    def __str__(self) -> str:
        return self.name


@audited(TOOL, entity_type="site", label="Study site", reason_required=False,
         labels={"code": "Site number", "oid": "Site OID"})
class StudySite(TenantMixin, Base):
    """An investigator site of a study; a site organization's grant is limited to one of these."""

    __tablename__ = "edc_site"
    __table_args__ = (UniqueConstraint("study_id", "code"),)
    __sharing__ = Sharing(STUDY, via="study_id", site="id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the ODM LocationOID / SiteRef of the site (defaults to its code)
    oid: Mapped[str] = mapped_column(String(100), nullable=False)
    study = relationship(Study, back_populates="sites")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@audited(TOOL, entity_type="metadata_version", label="Metadata version", reason_required=False,
         exclude=("odm",), labels={"number": "Version", "published_at": "Published", "source": "Built from"},
         people=("published_by_id",))
class MetadataVersion(TenantMixin, TimestampMixin, Base):
    """One version of the study's definition: a draft until published, then never changed.

    ``odm`` holds the ODM 1.3.2 document of the study with this one MetaDataVersion (the
    standard form, what an export writes); each form instance keeps the version it was entered
    under, so publishing a new version never rewrites captured data."""

    __tablename__ = "edc_metadata_version"
    __table_args__ = (UniqueConstraint("study_id", "number"), UniqueConstraint("study_id", "oid"))
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    oid: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: "dictionary", "odm" or "copy": where the definition came from
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    odm: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(Integer)
    study = relationship(Study)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
