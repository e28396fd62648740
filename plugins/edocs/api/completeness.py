"""edocs API: the completeness report and the milestones behind it. Reading needs ``view_binder``
(a site organization sees its own site's rows); setting milestones up needs ``manage_binder`` in
the organization that owns the binder (403 otherwise)."""
from __future__ import annotations

from flask import abort, jsonify, url_for

from sdk import requires_permission, tool, utcnow
from sdk.api_docs import responds, takes_body, takes_query

from ..domain.completeness import Counts, Report
from ..models import Milestone
from ..services import completeness, milestones
from ..services.access import site_by_code
from . import api
from . import completeness_schemas as schemas
from .refusals import refusals, visible_study


def _counts(counts: Counts, **extra) -> dict:
    return {**extra, **counts.as_dict()}


def report_json(found: Report, today) -> dict:
    return {
        "today": today.isoformat(), "totals": found.totals.as_dict(),
        "zones": [_counts(g.counts, zone=g.key, name=g.label) for g in found.by_zone],
        "sites": [_counts(g.counts, site=g.key, name=g.label) for g in found.by_site],
        "overdue": [{"expectation_id": s.row.id, "artifact": s.row.artifact, "artifact_name": s.row.artifact_name,
                     "site": s.row.site_code or None, "milestone": s.row.milestone,
                     "due_on": s.row.due_on.isoformat(), "owner_id": s.row.owner_id, "filed": s.filed}
                    for s in found.overdue]}


def milestone_json(milestone: Milestone) -> dict:
    return {"id": milestone.id, "kind": milestone.kind, "name": milestone.name, "due_on": milestone.due_on.isoformat(),
            "site": milestone.site.code if milestone.site else None,
            "expectations": [{"id": e.id, "artifact": e.artifact.number, "artifact_name": e.artifact.name,
                              "due_offset_days": e.due_offset_days, "due_on": milestones.due_on(e).isoformat(),
                              "owner_id": e.owner_id} for e in milestones.expectations_of(milestone)]}


@api.get("/studies/<int:study_id>/completeness")
@requires_permission("view_binder")
@takes_query(schemas.CompletenessQuery)
@responds(200, "Expected, filed, QC-passed, overdue and missing documents: totals, per zone, per site",
          schema=schemas.Completeness)
def show_completeness(study_id: int, query: dict):
    """The binder's completeness

    Counts the documents the binder's milestones expect, as the caller sees them (a site
    organization: its own site). Completeness = QC-passed / expected; timeliness = filed on time
    / filed; overdue = not QC-passed and due before today; missing = not filed."""
    study = visible_study(study_id)
    today = query.get("today") or utcnow().date()
    return jsonify(report_json(completeness.report(study, today=today), today))


@api.get("/studies/<int:study_id>/milestones")
@requires_permission("view_binder")
@responds(200, "The milestones the caller sees, by date, with the documents each expects",
          schema=schemas.MilestoneList)
def list_milestones(study_id: int):
    """List the binder's milestones"""
    study = visible_study(study_id)
    return jsonify(milestones=[milestone_json(m) for m in milestones.milestones_of(study)])


@api.post("/studies/<int:study_id>/milestones")
@requires_permission("manage_binder")
@takes_body(schemas.MilestoneIn)
@responds(201, "The milestone, with the documents its template expects", schema=schemas.MilestoneOut)
@responds(403, "Milestones are set up by the organization that owns the binder ('manage_binder')")
def create_milestone(study_id: int, body: dict):
    """Set a milestone

    A site milestone (site activation, initiation, close-out) needs the site; the documents it
    expects follow its template (Form FDA 1572 at a US site only)."""
    study = visible_study(study_id)
    code = body.get("site")
    site = site_by_code(study, code) if code else None
    with refusals():
        milestone = milestones.add_milestone(study, body["kind"], body["due_on"], site=site,
                                             owner_id=body.get("owner_id"), site_missing=bool(code) and site is None)
        tool().db_session().commit()
    return jsonify(milestone_json(milestone)), 201, {
        "Location": url_for(".list_milestones", study_id=study.id)}


@api.patch("/milestones/<int:milestone_id>")
@requires_permission("manage_binder")
@takes_body(schemas.MilestoneMove)
@responds(200, "The milestone at its new date; its documents are due relative to it", schema=schemas.MilestoneOut)
@responds(403, "Milestones are moved by the organization that owns the binder ('manage_binder')")
def move_milestone(milestone_id: int, body: dict):
    """Move a milestone

    Moving the date changes which documents are overdue, never which are missing. The reason
    goes to the audit trail."""
    milestone = tool().db_session().get(Milestone, milestone_id)
    if milestone is None or not tool().can("view_binder", milestone):
        abort(404, "There is no such milestone.")
    with refusals():
        milestones.move_milestone(milestone, body["due_on"], body["reason"])
        tool().db_session().commit()
    return jsonify(milestone_json(milestone))
