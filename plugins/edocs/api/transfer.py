"""edocs API: a binder's export as a TMF Exchange Mechanism zip, and the import of one.

Both need ``manage_binder``: an export carries the whole binder (as far as the caller sees it),
an import writes into it (the owner's managers only). An import is all or nothing: any problem
(a corrupted file, an unsafe zip, an unknown artifact) answers 422 naming every problem, and
nothing is written."""
from __future__ import annotations

from flask import jsonify, request, send_file

from sdk import requires_permission, tool, upload_limit
from sdk.api_docs import responds, takes_body
from sdk.csv_export import attachment_filename

from ..services import exchange_export, exchange_import
from . import api, transfer_schemas
from .refusals import refusals, visible_study

ZIP = "application/zip"


@api.get("/studies/<int:study_id>/exchange")
@requires_permission("manage_binder")
@responds(200, "The binder as a TMF Exchange Mechanism zip: a folder per zone and artifact, and exchange.xml "
               "listing every file with its SHA-256 and metadata", media_type=ZIP)
@responds(403, "No 'manage_binder' permission on the binder")
@responds(404, "No such binder")
@responds(409, "A stored file no longer matches its SHA-256; the export was stopped")
def export_exchange(study_id: int):
    """Export a binder (TMF Exchange Mechanism zip)"""
    study = visible_study(study_id)
    with refusals():
        export = exchange_export.export_binder(study)
        tool().db_session().commit()
    name = attachment_filename(f"{study.protocol or study.name}-tmf-exchange", "zip")
    return send_file(export.stream, mimetype=ZIP, as_attachment=True, download_name=name)


@api.post("/studies/<int:study_id>/exchange")
@requires_permission("manage_binder")
@upload_limit(exchange_import.MAX_IMPORT_BYTES + 64 * 1024)
@takes_body(transfer_schemas.IMPORT, media_type="multipart/form-data")
@responds(201, "Imported: the documents and versions created, and the sites added", schema=transfer_schemas.Imported)
@responds(403, "Only the binder owner's managers import into it")
@responds(404, "No such binder")
@responds(409, "The binder is closed")
@responds(422, "Every problem with the zip (unsafe paths, a zip bomb, a file that does not match its checksum, "
               "an artifact the binder lacks); nothing was imported")
def import_exchange(study_id: int):
    """Import a TMF Exchange Mechanism zip into a binder"""
    study = visible_study(study_id)
    with refusals():
        result = exchange_import.import_exchange(study, request.files.get("file"))
        tool().db_session().commit()
    return jsonify(documents=result.documents, versions=result.versions, sites_created=result.sites_created), 201
