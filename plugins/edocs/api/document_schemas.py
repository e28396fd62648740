"""The bodies of edocs' document API (marshmallow): shapes only, the rules are the services'.

An upload is multipart, which ``sdk.api_docs`` documents but does not load: its body is the JSON
Schema :data:`UPLOAD`, and the view reads ``request.form`` and ``request.files`` itself."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain.lifecycle import REQUESTABLE
from ..models import LEVELS, STATUSES
from .schemas import Strict

UPLOAD = {"type": "object", "required": ["file"], "additionalProperties": False, "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "The file (PDF, DOCX, XLSX, PPTX, PNG, JPEG, TIFF, text or CSV; its type is decided "
                            "by its bytes; at most 100 MB)"},
    "artifact": {"type": "string", "description": "The TMF Reference Model artifact, e.g. 01.01.01 (a new document)"},
    "level": {"type": "string", "enum": list(LEVELS), "description": "trial, country or site (a new document)"},
    "site": {"type": "string", "description": "The site number, for a site-level document"},
    "document": {"type": "integer", "description": "Add the file as the next version of this document"},
    "title": {"type": "string"}, "document_date": {"type": "string", "format": "date"},
    "language": {"type": "string", "description": "e.g. en, de, fr-CA"}, "country": {"type": "string"},
    "version_label": {"type": "string", "description": "e.g. 2.0 (default: the version's number)"},
    "tags": {"type": "string", "description": "Comma-separated"}}}


class Filed(Schema):
    id = fields.Integer(required=True, metadata={"description": "The document's id"})
    version = fields.Integer(required=True, metadata={"description": "The version's number"})
    version_id = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    status = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True, metadata={"description": "Decided by the file's bytes"})


class DocumentQuery(Schema):
    artifact = fields.String(metadata={"description": "An artifact number, e.g. 02.01.01"})
    site = fields.String(metadata={"description": "A site number"})
    status = fields.String(validate=validate.OneOf(list(STATUSES)),
                           metadata={"description": "The status of the document's newest version"})
    level = fields.String(validate=validate.OneOf(list(LEVELS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class SignatureOut(Schema):
    name = fields.String(required=True, metadata={"description": "The signer's printed name"})
    email = fields.String(required=True)
    meaning = fields.String(required=True)
    signed_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601 with offset"})
    stale = fields.Boolean(required=True, metadata={"description": "The record changed after signing"})


class VersionOut(Schema):
    id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    label = fields.String(required=True)
    status = fields.String(required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)
    filename = fields.String(required=True)
    uploaded_by = fields.String(allow_none=True, metadata={"description": "Who uploaded it, as the audit "
                                                                                  "trail names them"})
    uploaded_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601"})
    qc_reason = fields.String(required=True, metadata={"description": "The QC rejection's reason"})
    approved_at = fields.String(allow_none=True)
    effective_at = fields.String(allow_none=True)
    file_url = fields.String(required=True)
    signatures = fields.List(fields.Nested(SignatureOut), required=True)


class DocumentOut(Schema):
    id = fields.Integer(required=True)
    study_id = fields.Integer(required=True)
    artifact = fields.String(required=True)
    artifact_name = fields.String(required=True)
    level = fields.String(required=True)
    site = fields.String(allow_none=True)
    country = fields.String(required=True)
    title = fields.String(required=True)
    document_date = fields.Date(allow_none=True)
    language = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    legal_hold = fields.Boolean(required=True)
    source = fields.String(required=True)
    current_version = fields.Integer(required=True)
    status = fields.String(allow_none=True, metadata={"description": "The newest version's status"})
    owner_id = fields.Integer(allow_none=True, metadata={"description": "The member who owns the document"})


class DocumentList(Schema):
    documents = fields.List(fields.Nested(DocumentOut), required=True)
    page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class RetentionOut(Schema):
    until = fields.Date(allow_none=True, metadata={"description": "Kept until (none while the study runs)"})
    years = fields.Integer(required=True)
    hold = fields.Boolean(required=True)
    hold_reason = fields.String(required=True)
    deletable = fields.Boolean(required=True)
    why_not = fields.String(required=True)


class DocumentDetail(DocumentOut):
    versions = fields.List(fields.Nested(VersionOut), required=True)
    retention = fields.Nested(RetentionOut, required=True)


class TransitionIn(Strict):
    to = fields.String(required=True, validate=validate.OneOf(list(REQUESTABLE)))
    reason = fields.String(metadata={"description": "Required to reject"})
    password = fields.String(metadata={"description": "Re-authentication for the approval signature"})
    email = fields.String(metadata={"description": "Needed with the password on the first signing of a session"})
    version = fields.Integer(metadata={"description": "The version's number (default: the newest)"})


class DocumentPatch(Strict):
    title = fields.String(metadata={"description": "At most 300 characters"})
    document_date = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, or null"})
    language = fields.String(metadata={"description": "A language code: en, de, fr-CA"})
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2, or empty"})
    tags = fields.List(fields.String(), metadata={"description": "At most 20 tags of 40 characters"})
    owner_id = fields.Integer(metadata={"description": "The member of the binder's organization who owns "
                                                       "it (the owner organization only)"})


class HoldIn(Strict):
    on = fields.Boolean(required=True, metadata={"description": "true places the hold, false releases it"})
    reason = fields.String(required=True)


class DeleteIn(Strict):
    reason = fields.String(required=True)


class Deleted(Schema):
    id = fields.Integer(required=True, metadata={"description": "The deleted document's id"})
    deleted = fields.Boolean(required=True)
    versions = fields.Integer(required=True, metadata={"description": "How many versions were deleted with it"})
