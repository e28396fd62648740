"""edocs API: binders. Reading needs ``view_binder`` on the binder (another organization's ids
answer 404); opening one needs ``manage_binder``."""
from __future__ import annotations

from flask import jsonify, url_for
from sqlalchemy import func, select

from sdk import requires_permission, tool
from sdk.api_docs import responds, takes_body

from ..models import Artifact, Study
from ..services import access
from ..services import studies as service
from . import api, schemas
from .refusals import refusals, visible_study


def study_json(study: Study) -> dict:
    return {"id": study.id, "name": study.name, "protocol": study.protocol, "status": study.status,
            "own": access.owns(study), "ended_on": study.ended_on.isoformat() if study.ended_on else None}


def study_detail(study: Study) -> dict:
    artifacts = tool().db_session().scalar(select(func.count()).select_from(Artifact).where(Artifact.study_id == study.id))
    return {**study_json(study), "artifacts": artifacts,
            "sites": [{"id": s.id, "code": s.code, "name": s.name, "country": s.country}
                      for s in access.visible_sites(study)]}


@api.get("/studies")
@requires_permission("view_binder")
@responds(200, "The organization's own binders and those shared with it", schema=schemas.StudyList)
def list_studies():
    """List the binders (own and shared)"""
    return jsonify(studies=[study_json(study) for study in service.studies_in_reach()])


@api.post("/studies")
@requires_permission("manage_binder")
@takes_body(schemas.StudyIn)
@responds(201, "The binder, seeded with every artifact of the TMF Reference Model", schema=schemas.StudyDetail)
def create_study(body: dict):
    """Open a binder

    Seeded from the TMF Reference Model shipped with the tool (11 zones, their sections and
    artifacts); every problem is named in one 422."""
    with refusals():
        study = service.create_study(body)
        tool().db_session().commit()
    return jsonify(study_detail(study)), 201, {"Location": url_for(".show_study", study_id=study.id)}


@api.get("/studies/<int:study_id>")
@requires_permission("view_binder")
@responds(200, "The binder and the sites the caller sees", schema=schemas.StudyDetail)
def show_study(study_id: int):
    """One binder"""
    return jsonify(study_detail(visible_study(study_id)))


@api.post("/studies/<int:study_id>/close")
@requires_permission("manage_binder")
@takes_body(schemas.CloseIn)
@responds(200, "The binder, closed: its versions in use archived", schema=schemas.StudyDetail)
@responds(403, "Only the owner's binder managers close a binder")
@responds(409, "The binder is closed already")
def close_study(study_id: int, body: dict):
    """Close a binder at the study's end

    Every version still in use is archived, nothing more can be filed, and retention periods run
    from `ended_on` (today when omitted; never in the future). Final."""
    study = visible_study(study_id)
    with refusals():
        service.close_study(study, ended_on=body.get("ended_on"))
        tool().db_session().commit()
    return jsonify(study_detail(study))
