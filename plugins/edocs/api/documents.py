"""edocs API: filing documents and versions, listing and reading them, downloading a version's
file and moving a version through its lifecycle.

Reading needs ``view_binder`` on the record (another organization's ids, or another site's
documents for a site organization, answer 404); filing needs ``file_documents`` where the
document is; QC needs ``qc_review`` and, to approve, the signer's password (and e-mail on the
first signing of a token's session)."""
from __future__ import annotations

from flask import abort, jsonify, request, url_for
from sqlalchemy import func, select

from sdk import requires_permission, tool, upload_limit
from sdk.api_docs import responds, takes_body, takes_query

from ..models import Artifact, Document, StudySite, Version
from ..services import documents as service
from ..services import stored_files, transitions
from ..services.retention import retention_of
from . import api
from . import document_schemas as schemas
from .refusals import refusals, visible_document, visible_study, visible_version

PER_PAGE = 100
#: the file and the form's other fields
UPLOAD_LIMIT = service.MAX_FILE_BYTES + 64 * 1024


def _utc(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def document_json(document: Document, status: str | None = None) -> dict:
    return {"id": document.id, "study_id": document.study_id, "artifact": document.artifact.number,
            "artifact_name": document.artifact.name, "level": document.level,
            "site": document.site.code if document.site else None, "country": document.country,
            "title": document.title, "document_date": _utc(document.document_date), "language": document.language,
            "tags": list(document.tags or []), "legal_hold": document.legal_hold, "source": document.source,
            "current_version": document.current_version, "status": status, "owner_id": document.owner_id}


def _uploaders(versions: list[Version]) -> dict[int, str]:
    """Who created each version, as the audit trail names them (the SDK has no people lookup)."""
    history = tool().audit.history_many("version", [str(v.id) for v in versions])
    return {v.id: next((e.actor for e in history[str(v.id)] if e.action in ("create", "import")), None)
            for v in versions}


def version_json(version: Version, uploaded_by: str | None = None) -> dict:
    signatures = [{"name": s.printed_name, "email": s.signer_email, "meaning": s.meaning,
                   "signed_at": _utc(s.signed_at), "stale": s.stale} for s in tool().signatures.for_record(version)]
    return {"id": version.id, "document_id": version.document_id, "number": version.number, "label": version.label,
            "status": version.status, "sha256": version.sha256, "size": version.size,
            "content_type": version.content_type, "filename": version.filename, "uploaded_by": uploaded_by,
            "uploaded_at": _utc(version.uploaded_at), "qc_reason": version.qc_reason,
            "approved_at": _utc(version.approved_at), "effective_at": _utc(version.effective_at),
            "file_url": url_for(".version_file", version_id=version.id), "signatures": signatures}


def document_detail(document: Document) -> dict:
    versions = service.versions_of(document)
    uploaders = _uploaders(versions)
    retention = retention_of(document)
    return {**document_json(document, versions[-1].status if versions else None),
            "versions": [version_json(v, uploaders[v.id]) for v in versions],
            "retention": {"until": _utc(retention.until), "years": retention.years, "hold": retention.hold,
                          "hold_reason": retention.hold_reason, "deletable": retention.deletable,
                          "why_not": retention.why_not}}


@api.post("/studies/<int:study_id>/documents")
@requires_permission("file_documents")
@upload_limit(UPLOAD_LIMIT)
@takes_body(schemas.UPLOAD, media_type="multipart/form-data")
@responds(201, "The version filed (a draft): a new document, or the next version of `document`", schema=schemas.Filed)
@responds(404, "No such binder, or a `document` that is not in it")
@responds(409, "The binder is closed, or the file is identical to an earlier version")
@responds(413, "The file is larger than 100 MB")
@responds(422, "Every problem with the fields, or a file whose bytes are not of an accepted type")
def file_document(study_id: int):
    """File a document, or a new version of one (multipart)"""
    study = visible_study(study_id)
    data = {key: value for key, value in request.form.items() if key != "document"}
    upload = request.files.get("file")
    document = None
    if request.form.get("document"):
        raw = request.form["document"].strip()
        document = visible_document(int(raw)) if raw.isdigit() else None
        if document is None or document.study_id != study.id:
            abort(404, "There is no such document in this binder.")
    with refusals():
        version = service.add_version(document, data, upload) if document else service.file_document(study, data, upload, source="api")
        tool().db_session().commit()
    body = {"id": version.document_id, "version": version.number, "version_id": version.id, "sha256": version.sha256,
            "status": version.status, "size": version.size, "content_type": version.content_type}
    return jsonify(body), 201, {"Location": url_for(".show_document", document_id=version.document_id)}


@api.get("/studies/<int:study_id>/documents")
@requires_permission("view_binder")
@takes_query(schemas.DocumentQuery)
@responds(200, f"One page ({PER_PAGE}) of the binder's documents the caller sees", schema=schemas.DocumentList)
@responds(404, "No such binder")
def list_documents(study_id: int, query):
    """List a binder's documents"""
    study = visible_study(study_id)
    newest = (select(Version.document_id, Version.status)
              .join(Document, (Document.id == Version.document_id) & (Document.current_version == Version.number))
              .subquery())
    stmt = (select(Document, newest.c.status).join(Artifact, Artifact.id == Document.artifact_id)
            .outerjoin(newest, newest.c.document_id == Document.id).where(Document.study_id == study.id))
    if query.get("artifact"):
        stmt = stmt.where(Artifact.number == query["artifact"])
    if query.get("level"):
        stmt = stmt.where(Document.level == query["level"])
    if query.get("site"):
        stmt = stmt.join(StudySite, StudySite.id == Document.site_id).where(StudySite.code == query["site"])
    if query.get("status"):
        stmt = stmt.where(newest.c.status == query["status"])
    session = tool().db_session()
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.execute(stmt.order_by(Artifact.number, Document.id)
                           .offset((query["page"] - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return jsonify(documents=[document_json(d, status) for d, status in rows], page=query["page"], total=total)


@api.get("/documents/<int:document_id>")
@requires_permission("view_binder")
@responds(200, "The document with its versions, their signatures and its retention", schema=schemas.DocumentDetail)
@responds(404, "No such document")
def show_document(document_id: int):
    """One document"""
    return jsonify(document_detail(visible_document(document_id)))


@api.patch("/documents/<int:document_id>")
@requires_permission("view_binder")
@takes_body(schemas.DocumentPatch)
@responds(200, "The document with its changed details", schema=schemas.DocumentDetail)
@responds(403, "No right to file documents where this one is filed")
@responds(404, "No such document")
@responds(409, "The binder is closed")
def update_document(document_id: int, body: dict):
    """Change a document's details

    Only the keys sent change (title, document date, language, country, tags); each change is
    in the document's audit trail and its search entry follows."""
    document = visible_document(document_id)
    with refusals():
        service.update_document(document, body)
        tool().db_session().commit()
    return jsonify(document_detail(document))


@api.get("/versions/<int:version_id>/file")
@requires_permission("view_binder")
@responds(200, "The version's file, its SHA-256 verified before it is sent (`?inline=1`: shown in the browser, "
               "for a PDF preview)", media_type="application/octet-stream")
@responds(404, "No such version")
def version_file(version_id: int):
    """Download a version's file"""
    version = visible_version(version_id)
    return stored_files.send_version(version, inline=request.args.get("inline") in ("1", "true"))


@api.post("/documents/<int:document_id>/transitions")
@requires_permission("view_binder")
@takes_body(schemas.TransitionIn)
@responds(200, "The version, moved", schema=schemas.VersionOut)
@responds(403, "No right to this step, QC of one's own upload, or the signature's re-authentication failed")
@responds(404, "No such document, or no such version of it")
@responds(409, "The step is not allowed from the version's status (the message says what is)")
@responds(422, "A rejection without a reason")
def move_version(document_id: int, body: dict):
    """Move a version through its lifecycle (QC, approve with signature, reject, make effective)"""
    document = visible_document(document_id)
    number = body.get("version", document.current_version)
    version = tool().db_session().scalar(
        select(Version).where(Version.document_id == document.id, Version.number == number))
    if version is None or not tool().can("view_binder", version):
        abort(404, f"The document has no version {number}.")
    with refusals():
        transitions.transition(version, body["to"], reason=body.get("reason"), password=body.get("password"),
                               email=body.get("email"))
        tool().db_session().commit()
    return jsonify(version_json(version, _uploaders([version])[version.id]))
