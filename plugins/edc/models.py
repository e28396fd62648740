"""edc's tables. A study is the record its sponsor shares (``STUDY``): its definition rows
(sites, metadata versions, custom rules) follow the study to every grantee, its subject data and
queries only to the grantees of the subject's site, in the ORM and in PostgreSQL's row security.

- the study: :class:`Study`, :class:`StudySite`, :class:`MetadataVersion` (the definition, kept
  as ODM 1.3.2 text);
- what the sites capture: :class:`Subject`, :class:`StudyEvent`, :class:`FormInstance` (pinned to
  the version it was entered under), :class:`ItemValue` (a change after the first save needs a
  reason);
- cleaning: :class:`Query` and its :class:`QueryMessage` thread, the study's custom :class:`Rule`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin, UTCDateTime
from sdk.audit import audited

from .domain.metadata import NULL_FLAVOURS

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


# -- what the sites capture ---------------------------------------------------------------

SITE_DATA = Sharing(STUDY, via="study_id", site="site_id")
SUBJECT_STATES = {"enrolled": "Enrolled", "withdrawn": "Withdrawn", "completed": "Completed"}
FORM_STATES = {"in_progress": "Data entry started", "complete": "Complete"}


@audited(TOOL, entity_type="subject", label="Subject", reason_required=False,
         labels={"subject_key": "Subject", "state": "State", "frozen": "Frozen", "locked": "Locked"},
         values={"state": SUBJECT_STATES}, people=("enrolled_by_id",), meanings=("approved",),
         sign_permission="sign_casebook",
         signed_fields=("study_id", "site_id", "subject_key", "state", "casebook_revision"))
class Subject(TenantMixin, TimestampMixin, Base):
    """A subject of one site; signing it (meaning "approved") is the investigator's casebook signature."""

    __tablename__ = "edc_subject"
    __table_args__ = (UniqueConstraint("study_id", "subject_key"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    subject_key: Mapped[str] = mapped_column(String(60), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="enrolled")
    frozen: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enrolled_by_id: Mapped[int | None] = mapped_column(Integer)
    #: counts up with every change of the subject's data and every reopening (unfreeze, unlock):
    #: the casebook signature covers it, so a signature given before such a change is stale,
    #: while locking a signed casebook leaves the signature current
    casebook_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    site = relationship(StudySite)

    def __str__(self) -> str:
        return self.subject_key

    @property
    def name(self) -> str:
        """How the signature dialog names the record ("Sign subject 101-001")."""
        return self.subject_key


@audited(TOOL, entity_type="study_event", label="Study event", reason_required=False,
         labels={"event_oid": "Event", "repeat_key": "Occurrence"})
class StudyEvent(TenantMixin, Base):
    """One occurrence of a study event (a visit) of a subject; repeating events count up."""

    __tablename__ = "edc_event"
    __table_args__ = (UniqueConstraint("subject_id", "event_oid", "repeat_key"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("edc_subject.id", ondelete="CASCADE"), nullable=False, index=True)
    event_oid: Mapped[str] = mapped_column(String(100), nullable=False)
    repeat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    subject = relationship(Subject)


@audited(TOOL, entity_type="form", label="Form", reason_required=False,
         labels={"form_oid": "Form", "state": "State", "verified_at": "Source data verified",
                 "frozen": "Frozen", "locked": "Locked", "version_id": "Metadata version"},
         values={"state": FORM_STATES}, people=("verified_by_id",))
class FormInstance(TenantMixin, TimestampMixin, Base):
    """A form of a study event as entered, pinned to the metadata version it was entered under."""

    __tablename__ = "edc_form"
    __table_args__ = (UniqueConstraint("event_id", "form_oid", "repeat_key"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("edc_subject.id", ondelete="CASCADE"), nullable=False, index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("edc_event.id", ondelete="CASCADE"), nullable=False, index=True)
    form_oid: Mapped[str] = mapped_column(String(100), nullable=False)
    repeat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    version_id: Mapped[int] = mapped_column(ForeignKey("edc_metadata_version.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="in_progress")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(Integer)
    frozen: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    event = relationship(StudyEvent)
    subject = relationship(Subject)
    version = relationship(MetadataVersion)


@audited(TOOL, entity_type="item_value", label="Item value", reason_required=True,
         labels={"item_oid": "Item", "group_oid": "Item group", "group_repeat": "Group occurrence",
                 "value": "Value", "null_flavour": "Null flavour"},
         values={"null_flavour": NULL_FLAVOURS})
class ItemValue(TenantMixin, Base):
    """One item's value in a form instance (an item group occurrence): a change after the first
    save needs a reason (``reason_required``), which the audit trail keeps with old and new."""

    __tablename__ = "edc_item_value"
    __table_args__ = (UniqueConstraint("form_id", "group_oid", "group_repeat", "item_oid"),)
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("edc_form.id", ondelete="CASCADE"), nullable=False, index=True)
    group_oid: Mapped[str] = mapped_column(String(100), nullable=False)
    group_repeat: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    item_oid: Mapped[str] = mapped_column(String(100), nullable=False)
    #: as stored: ISO dates, "1"/"0", checkbox codes joined with "," (domain.values normalizes)
    value: Mapped[str | None] = mapped_column(Text)
    null_flavour: Mapped[str | None] = mapped_column(String(4))
    form = relationship(FormInstance)


# -- cleaning: queries and custom data quality rules ----------------------------------------

#: the lifecycle: New -> Updated (the site answered) -> Resolution Proposed -> Closed; or Not
#: Applicable (cancelled); closed and cancelled queries may be reopened (-> New)
QUERY_STATUSES = {"new": "New", "updated": "Updated", "proposed": "Resolution Proposed",
                  "closed": "Closed", "na": "Not Applicable"}
OPEN_STATUSES = ("new", "updated", "proposed")
QUERY_ORIGINS = {"auto": "Edit check", "manual": "Raised by hand", "rule": "Data quality rule"}
RULE_SEVERITIES = {"warning": "Warning", "error": "Error"}


@audited(TOOL, entity_type="query", label="Query", reason_required=False,
         labels={"status": "Status", "text": "Query", "origin": "Raised by", "rule": "Rule", "item_oid": "Item",
                 "assigned_to_id": "Assigned to", "raised_by_id": "Raised by person", "study_id": "Study",
                 "site_id": "Site", "subject_id": "Subject", "form_id": "Form instance", "event_oid": "Event",
                 "form_oid": "Form", "group_oid": "Item group", "group_repeat": "Group occurrence"},
         values={"status": QUERY_STATUSES, "origin": QUERY_ORIGINS}, people=("raised_by_id", "assigned_to_id"))
class Query(TenantMixin, TimestampMixin, Base):
    """A question about a subject's data: on one item of one form, or (a custom rule's) on the
    subject at an event."""

    __tablename__ = "edc_query"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("edc_subject.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("edc_form.id", ondelete="CASCADE"), index=True)
    event_oid: Mapped[str | None] = mapped_column(String(100))
    form_oid: Mapped[str | None] = mapped_column(String(100))
    item_oid: Mapped[str | None] = mapped_column(String(100))
    group_oid: Mapped[str | None] = mapped_column(String(100))
    group_repeat: Mapped[int | None] = mapped_column(Integer)
    #: "auto" (a soft edit check on save), "manual" (raised by a person) or "rule" (data quality)
    origin: Mapped[str] = mapped_column(String(10), nullable=False)
    #: the data quality rule ("A".."H", or "R<id>" for a custom rule) that raised it
    rule: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="new", index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    raised_by_id: Mapped[int | None] = mapped_column(Integer)
    assigned_to_id: Mapped[int | None] = mapped_column(Integer)
    # classes, not names: another tool's declarative class may share a name (a registry clash)
    subject = relationship(Subject)
    site = relationship(StudySite)
    messages = relationship(lambda: QueryMessage, order_by=lambda: QueryMessage.id, back_populates="query")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return QUERY_STATUSES.get(self.status, self.status)

    def __str__(self) -> str:
        return f"Query {self.id}"


@audited(TOOL, entity_type="query_message", label="Query message", reason_required=False,
         labels={"body": "Message", "status_after": "Status after", "query_id": "Query", "study_id": "Study",
                 "site_id": "Site"}, values={"status_after": QUERY_STATUSES},
         people=("author_id",))
class QueryMessage(TenantMixin, TimestampMixin, Base):
    """One message of a query's thread, with the status it left the query in."""

    __tablename__ = "edc_query_message"
    __sharing__ = SITE_DATA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("edc_query.id", ondelete="CASCADE"), nullable=False, index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("edc_site.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status_after: Mapped[str] = mapped_column(String(10), nullable=False)
    query = relationship(Query, back_populates="messages")


@audited(TOOL, entity_type="quality_rule", label="Data quality rule", reason_required=False,
         labels={"name": "Name", "expression": "Logic", "severity": "Severity", "enabled": "Enabled",
                 "study_id": "Study"},
         values={"severity": RULE_SEVERITIES}, people=("created_by_id",))
class Rule(TenantMixin, TimestampMixin, Base):
    """A study's custom data quality rule: REDCap-syntax logic that is TRUE where the data is wrong."""

    __tablename__ = "edc_rule"
    __table_args__ = (UniqueConstraint("study_id", "name"),)
    __sharing__ = Sharing(STUDY, via="study_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("edc_study.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    expression: Mapped[str] = mapped_column(Text, nullable=False)
    severity: Mapped[str] = mapped_column(String(10), nullable=False, default="warning")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def code(self) -> str:
        return f"R{self.id}"

    def __str__(self) -> str:
        return self.name
