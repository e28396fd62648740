"""edc API: exports (ODM Snapshot and Transactional, a CSV per form) and clinical data imports.

Exports hold the caller's visible subjects only (a site organization: its own site's). The
files are not JSON: their responses are documented by description (content type
``application/xml`` or ``text/csv``) without a JSON schema. An import answers 202 with the job;
its status is the host's ``GET /api/v1/o/<org>/jobs/<id>`` (the ``Location``)."""
from __future__ import annotations

from flask import Response, abort, jsonify, request
from marshmallow import Schema, fields, validate

from sdk import requires_permission, tool, upload_limit
from sdk.api_docs import InvalidInput, responds, takes_body, takes_query
from sdk.csv_export import attachment_filename, csv_response

from ..models import Study
from ..services import exports as service
from ..services.errors import EdcInputError, NotAllowed
from ..services.exports_csv import form_csv
from ..services.import_job import start_import
from . import api

IMPORT_LIMIT = 200 * 1024 * 1024


class ExportQuery(Schema):
    type = fields.String(load_default="snapshot", validate=validate.OneOf(["snapshot", "transactional"]),
                         metadata={"description": "snapshot (metadata and current values) or transactional "
                                                  "(every change with its AuditRecord)"})


class ImportStarted(Schema):
    job = fields.Integer(required=True, metadata={"description": "The job's id"})
    status = fields.String(required=True)
    status_url = fields.String(required=True, metadata={"description": "Poll this until succeeded or failed"})


IMPORT_BODY = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "A CDISC ODM 1.3.2 file (XML)"},
    "site_id": {"type": "integer", "description": "The study's site for subjects the file gives no SiteRef"},
    "create_sites": {"type": "boolean", "description": "Add the sites the file names that the study lacks"}}}


def _study(study_id: int, permission: str) -> Study:
    study = tool().db_session().get(Study, study_id)
    if study is None or not tool().can("view_study", study):
        abort(404, "No such study.")
    if not tool().can(permission, study):
        abort(403, f"This needs the '{permission}' permission on the study.")
    return study


@api.get("/studies/<int:study_id>/export.odm")
@requires_permission("export")
@takes_query(ExportQuery)
@responds(200, "The ODM 1.3.2 document: your visible subjects only", media_type="application/xml")
@responds(403, "No export permission; or a Transactional export asked by an organization the study is shared "
               "with (the audit trail is the owner's)")
def export_odm(study_id: int, query):
    """Export the study as CDISC ODM 1.3.2 (Snapshot or Transactional)"""
    study = _study(study_id, "export")
    kind = query["type"]
    try:
        data = service.odm_snapshot(study) if kind == "snapshot" else service.odm_transactional(study)
    except NotAllowed as exc:
        abort(403, str(exc))
    name = attachment_filename(f"{study.oid}-{kind}", "xml")
    return Response(data, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/studies/<int:study_id>/forms/<form_oid>/export.csv")
@requires_permission("export")
@responds(200, "The form's flat CSV: one row per subject, event, form and group occurrence; "
               "checkbox items as var___code columns", media_type="text/csv")
@responds(404, "No such study, or no such form in it")
def export_form_csv(study_id: int, form_oid: str):
    """Export one form's data as CSV"""
    study = _study(study_id, "export")
    try:
        header, rows = form_csv(study, form_oid)
    except EdcInputError:
        abort(404, f"The study has no form {form_oid}.")
    return csv_response(header, rows, f"{study.oid}-{form_oid}")


@api.post("/studies/<int:study_id>/imports")
@requires_permission("import_data")
@upload_limit(IMPORT_LIMIT + 64 * 1024)
@takes_body(IMPORT_BODY, media_type="multipart/form-data")
@responds(202, "The import job, started: follow `status_url` (the Location) until it succeeded or failed "
               "(`error` names every problem; nothing is imported then)", schema=ImportStarted)
@responds(422, "No file, or a file that is not well-formed, safe ODM; nothing is imported")
def import_clinical(study_id: int):
    """Import ODM ClinicalData into the study in a background job"""
    study = _study(study_id, "import_data")
    if study.org_id != tool().current_org().id:
        abort(403, "Only the organization that owns the study imports clinical data into it.")
    upload = request.files.get("file")
    site = (request.form.get("site_id") or "").strip()
    try:
        if site and not site.isdigit():
            raise EdcInputError([("site_id", "Give the site's id as a whole number.")])
        job = start_import(study, upload if upload and upload.filename else None,
                           filename=upload.filename if upload else "", default_site_id=int(site) if site else None,
                           create_sites=request.form.get("create_sites", "").lower() in ("1", "true", "yes", "on"))
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None
    tool().db_session().commit()      # queues the job; in immediate mode it has run by now
    job = tool().jobs.get(job.id) or job
    return jsonify(job=job.id, status=job.status, status_url=job.status_url), 202, {"Location": job.status_url}
