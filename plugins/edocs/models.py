"""edocs' tables. A study's binder is the record its sponsor shares (``STUDY``): its artifact
list and milestones follow the study to every grantee; a document filed at a site, with its
versions, only to the grantees of that site (in the ORM and in PostgreSQL's row security). A
trial- or country-level document has no site, so only whole-study grants (a CRO) see it.

- the binder: :class:`Study`, :class:`StudySite`, :class:`Artifact` (the study's copy of one TMF
  Reference Model artifact, with its retention period);
- filing: :class:`Document` (metadata, owner, legal hold) and :class:`Version` (one stored file,
  content-addressed by SHA-256, never overwritten, with its lifecycle status);
- completeness: :class:`Milestone` (a dated point such as site activation) and
  :class:`Expectation` (an artifact expected by a milestone, at trial or at a site);
- search: :class:`SearchText` (the text extracted from a version, indexed per database).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin, UTCDateTime
from sdk.audit import audited

TOOL = "edocs"
STUDY = "edocs.study"
LEVELS = {"trial": "Trial", "country": "Country", "site": "Site"}
STATUSES = {"draft": "Draft", "qc": "In QC", "rejected": "QC rejected", "approved": "Approved",
            "effective": "Effective", "superseded": "Superseded", "archived": "Archived"}
#: the years a document is kept after the study ends unless its artifact says otherwise (EU CTR
#: 536/2014 art. 58)
DEFAULT_RETENTION_YEARS = 25
SITE_DATA = Sharing(STUDY, via="study_id", site="site_id")


@audited(TOOL, entity_type="study", label="Binder", reason_required=False,
         labels={"protocol": "Protocol", "ended_on": "Study end", "closed_at": "Closed"},
         values={"status": {"active": "Active", "closed": "Closed"}}, people=("created_by_id",))
class Study(TenantMixin, TimestampMixin, Base):
    __tablename__ = "edocs_study"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    __sharing__ = Sharing(STUDY)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the protocol number: other tools file into the binder by it (``trial_ref``)
    protocol: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    #: the end of the study, from which retention periods run
    ended_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    sites = relationship(lambda: StudySite, back_populates="study", order_by=lambda: StudySite.code)

    def __str__(self) -> str:
        return self.name


@audited(TOOL, entity_type="site", label="Study site", reason_required=False,
         labels={"code": "Site number", "country": "Country"})
class StudySite(TenantMixin, Base):
    """An investigator site of the study; a site organization's grant is limited to one."""

    __tablename__ = "edocs_site"
    __table_args__ = (UniqueConstraint("study_id", "code"),)
    __sharing__ = Sharing(STUDY, via="study_id", site="id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    study = relationship(Study, back_populates="sites")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


@audited(TOOL, entity_type="artifact", label="Artifact", reason_required=False,
         labels={"retention_years": "Retention (years after study end)"})
class Artifact(TenantMixin, Base):
    """The study's copy of one TMF Reference Model artifact (``zone.section.artifact``)."""

    __tablename__ = "edocs_artifact"
    __table_args__ = (UniqueConstraint("study_id", "number"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(8), nullable=False)
    zone_name: Mapped[str] = mapped_column(String(120), nullable=False)
    section_name: Mapped[str] = mapped_column(String(200), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    core: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: the levels it is filed at, comma-separated in trial, country, site order
    levels: Mapped[str] = mapped_column(String(30), nullable=False, default="trial")
    retention_years: Mapped[int] = mapped_column(Integer, nullable=False, default=DEFAULT_RETENTION_YEARS)

    @property
    def zone(self) -> str:
        return self.number[:2]

    @property
    def section(self) -> str:
        return self.number[:5]

    @property
    def level_list(self) -> tuple[str, ...]:
        return tuple(level for level in self.levels.split(",") if level)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


@audited(TOOL, entity_type="document", label="Document", reason_required=False,
         labels={"artifact_id": "Artifact id", "document_date": "Document date", "language": "Language",
                 "owner_id": "Owner", "legal_hold": "Legal hold", "hold_reason": "Legal hold reason",
                 "site_id": "Site id", "country": "Country", "tags": "Tags", "study_id": "Binder id",
                 "created_by_id": "Filed by", "current_version": "Newest version"},
         values={"level": LEVELS}, people=("owner_id", "created_by_id"))
class Document(TenantMixin, TimestampMixin, Base):
    """A document filed to an artifact at trial, country or site level; its file is in its
    versions. ``current_version`` is the newest version's number."""

    __tablename__ = "edocs_document"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("edocs_artifact.id"), nullable=False, index=True)
    level: Mapped[str] = mapped_column(String(10), nullable=False, default="trial")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("edocs_site.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    document_date: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(10), nullable=False, default="en")
    owner_id: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    legal_hold: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hold_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: "upload", "api", "import" or the key of the tool that filed it
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="upload")
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    artifact = relationship(Artifact)
    site = relationship(StudySite)
    versions = relationship(lambda: Version, back_populates="document", order_by=lambda: Version.number)

    def __str__(self) -> str:
        return self.title


@audited(TOOL, entity_type="version", label="Document version", reason_required=False,
         labels={"number": "Version", "label": "Version label", "sha256": "SHA-256", "size": "Size (bytes)",
                 "content_type": "Content type", "filename": "File name", "qc_reason": "QC comment",
                 "text_status": "Text extraction", "document_id": "Document id", "study_id": "Binder id",
                 "site_id": "Site id", "uploaded_by_id": "Uploaded by", "qc_by_id": "QC by",
                 "approved_by_id": "Approved by", "uploaded_at": "Uploaded", "qc_at": "QC done",
                 "approved_at": "Approved", "effective_at": "Effective from"},
         values={"status": STATUSES}, exclude=("text_status",),
         signed_fields=("document_id", "number", "label", "sha256", "size", "content_type", "filename"),
         meanings=("approved",), sign_permission="qc_review", signed_by_tool=True,
         people=("uploaded_by_id", "qc_by_id", "approved_by_id"))
class Version(TenantMixin, Base):
    """One stored file of a document. Its bytes are kept by the storage service under their
    SHA-256 and never replaced; only its status moves (``domain.lifecycle``). An approval
    signature covers the file's identity (number, hash, size, name), not the status it moves,
    and is made only by passing QC (``signed_by_tool``): never a signature without the approval."""

    __tablename__ = "edocs_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("edocs_document.id", ondelete="CASCADE"), nullable=False, index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("edocs_site.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str] = mapped_column(String(127), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft", index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    qc_by_id: Mapped[int | None] = mapped_column(Integer)
    qc_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    qc_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    approved_by_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "pending" until the extraction job ran, then "done", "empty" or "failed"
    text_status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    document = relationship(Document, back_populates="versions")

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}" if self.document is not None else f"v{self.number}"


@audited(TOOL, entity_type="milestone", label="Milestone", reason_required=False,
         labels={"due_on": "Date", "site_id": "Site"})
class Milestone(TenantMixin, Base):
    """A dated point of the study (study start, site activation at one site...): the documents
    it expects are due by its date. Moving the date changes what is overdue, never what is
    missing."""

    __tablename__ = "edocs_milestone"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("edocs_site.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    site = relationship(StudySite)


@audited(TOOL, entity_type="expectation", label="Expected document", reason_required=False,
         labels={"artifact_id": "Artifact", "milestone_id": "Milestone", "owner_id": "Owner",
                 "site_id": "Site", "due_offset_days": "Due (days after the milestone)"}, people=("owner_id",))
class Expectation(TenantMixin, Base):
    """An artifact a milestone expects filed (at its site when the milestone has one); its
    owner is reminded when it is overdue."""

    __tablename__ = "edocs_expectation"
    __table_args__ = (UniqueConstraint("milestone_id", "artifact_id"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("edocs_milestone.id", ondelete="CASCADE"), nullable=False, index=True)
    artifact_id: Mapped[int] = mapped_column(ForeignKey("edocs_artifact.id"), nullable=False)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("edocs_site.id"), index=True)
    #: due this many days after the milestone's date (negative: before it)
    due_offset_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    owner_id: Mapped[int | None] = mapped_column(Integer)
    milestone = relationship(Milestone)
    artifact = relationship(Artifact)
    site = relationship(StudySite)


class SearchText(TenantMixin, Base):
    """The text extracted from one version, with the metadata searched beside it. PostgreSQL
    searches ``text`` through a GIN index on its tsvector; SQLite through the FTS5 table
    ``edocs_search_fts`` kept in step by triggers (``services.search_index``)."""

    __tablename__ = "edocs_search_text"
    __table_args__ = (UniqueConstraint("version_id"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("edocs_version.id", ondelete="CASCADE"), nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("edocs_document.id", ondelete="CASCADE"), nullable=False, index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edocs_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("edocs_site.id"), index=True)
    #: title, artifact, tags and file name, searched with the text
    metadata_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
