"""What the sites capture: subjects, their study events, form instances and item values.

Every row carries the study and the site, so a site organization's grant shows exactly its own
site's data (``Sharing(..., site="site_id")``), in the ORM and in PostgreSQL's row security.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin, UTCDateTime
from sdk.audit import audited

from ..domain.metadata import NULL_FLAVOURS
from .study import STUDY, TOOL, MetadataVersion, StudySite

SUBJECT_STATES = {"enrolled": "Enrolled", "withdrawn": "Withdrawn", "completed": "Completed"}
FORM_STATES = {"in_progress": "Data entry started", "complete": "Complete"}
SITE_DATA = Sharing(STUDY, via="study_id", site="site_id")


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
