"""Cleaning: queries (discrepancy notes) on a subject's data, their thread of messages, and the
study's custom data quality rules.

A query belongs to the subject's site (``Sharing(..., site="site_id")``), so a site organization
sees and answers its own site's queries and nobody else's; custom rules are study-wide.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sdk import Base, Sharing, TenantMixin, TimestampMixin
from sdk.audit import audited

from .data import Subject
from .study import STUDY, TOOL, StudySite

#: the lifecycle: New -> Updated (the site answered) -> Resolution Proposed -> Closed; or Not
#: Applicable (cancelled); closed and cancelled queries may be reopened (-> New)
QUERY_STATUSES = {"new": "New", "updated": "Updated", "proposed": "Resolution Proposed",
                  "closed": "Closed", "na": "Not Applicable"}
OPEN_STATUSES = ("new", "updated", "proposed")
QUERY_ORIGINS = {"auto": "Edit check", "manual": "Raised by hand", "rule": "Data quality rule"}
RULE_SEVERITIES = {"warning": "Warning", "error": "Error"}
SITE_DATA = Sharing(STUDY, via="study_id", site="site_id")


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
