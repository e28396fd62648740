"""A binder's completeness as the acting organization sees it: the expectations and documents it
may see, read from the database and counted by ``domain.completeness``.

The tenant wall does the narrowing: a site organization's grant covers its site's milestones,
expectations and documents only, so its report has its site's rows and nothing at trial level.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from sdk import tool, utcnow

from ..domain.completeness import ExpectedRow, FiledRow, Report, count
from ..models import Artifact, Document, Expectation, Milestone, Study, StudySite, Version


def expected_rows(study: Study) -> list[ExpectedRow]:
    session = tool().db_session()
    query = (select(Expectation, Milestone, Artifact, StudySite)
             .join(Milestone, Expectation.milestone_id == Milestone.id)
             .join(Artifact, Expectation.artifact_id == Artifact.id)
             .outerjoin(StudySite, Expectation.site_id == StudySite.id)
             .where(Expectation.study_id == study.id)
             .order_by(Artifact.number, Expectation.id))
    return [ExpectedRow(id=e.id, artifact=a.number, artifact_name=a.name, zone=a.zone, zone_name=a.zone_name,
                        site_id=e.site_id, site_code=site.code if site is not None else "",
                        site_label=str(site) if site is not None else "",
                        due_on=m.due_on + timedelta(days=e.due_offset_days), milestone=m.name, owner_id=e.owner_id)
            for e, m, a, site in session.execute(query)]


def filed_rows(study: Study) -> list[FiledRow]:
    """Each document with a version: its artifact, site, first upload and whether it passed QC
    (a version was approved, whatever became of it since)."""
    session = tool().db_session()
    query = (select(Artifact.number, Document.site_id, func.min(Version.uploaded_at),
                    func.count(Version.approved_at))
             .join(Document, Document.artifact_id == Artifact.id)
             .join(Version, Version.document_id == Document.id)
             .where(Document.study_id == study.id)
             .group_by(Document.id, Artifact.number, Document.site_id))
    return [FiledRow(artifact=number, site_id=site_id, first_uploaded_on=_day(first), qc_passed=approvals > 0)
            for number, site_id, first, approvals in session.execute(query)]


def _day(moment) -> date:
    """The UTC date of an upload (SQLite's aggregate answers a naive datetime or its text)."""
    if isinstance(moment, str):
        return date.fromisoformat(moment[:10])
    return moment.date()


def report(study: Study, *, today: date | None = None) -> Report:
    return count(expected_rows(study), filed_rows(study), today=today or utcnow().date())
