"""edocs API: legal hold and deletion of a document (``services.retention``).

A deletion refused by the retention date or a hold answers 409 naming the date or the hold, and
the attempt stays in the document's audit trail although nothing else changed."""
from __future__ import annotations

from flask import jsonify

from sdk import requires_permission, tool
from sdk.api_docs import responds, takes_body

from ..services import retention as service
from . import api
from . import document_schemas as schemas
from .documents import document_json
from .refusals import refusals, visible_document


@api.post("/documents/<int:document_id>/hold")
@requires_permission("manage_binder")
@takes_body(schemas.HoldIn)
@responds(200, "The document, with its hold placed or released", schema=schemas.DocumentOut)
@responds(403, "Only the binder owner's managers place or release holds")
@responds(404, "No such document")
@responds(409, "The document is already in that state")
@responds(422, "No reason")
def hold_document(document_id: int, body: dict):
    """Place or release a legal hold"""
    document = visible_document(document_id)
    with refusals():
        service.set_hold(document, body["on"], body["reason"])
        tool().db_session().commit()
    return jsonify(document_json(document))


@api.delete("/documents/<int:document_id>")
@requires_permission("manage_binder")
@takes_body(schemas.DeleteIn)
@responds(200, "Deleted, with its versions (each deletion audited); the stored bytes are kept",
          schema=schemas.Deleted)
@responds(403, "Only the binder owner's managers delete documents")
@responds(404, "No such document")
@responds(409, "Refused: before the retention date (named) or under legal hold; the attempt is audited")
@responds(422, "No reason")
def delete_document(document_id: int, body: dict):
    """Delete a document after its retention period"""
    document = visible_document(document_id)
    with refusals():
        document_id = document.id
        versions = service.delete_document(document, body["reason"])
        tool().db_session().commit()
    return jsonify(id=document_id, deleted=True, versions=versions)
