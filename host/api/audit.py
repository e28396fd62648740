"""``GET /api/v1/o/<org>/audit``: the organization's audit trail, newest first, with the filters
of the audit page (``host.compliance``); owners and admins only."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from sdk.api_docs import InvalidInput

from ..compliance.queries import PAGE_SIZE, AuditFilters, FilterError, filtered_query
from ..db import db_session
from ..orgctx import org_member_required
from .base import ApiBlueprint, error_documenter

MAX_LIMIT = 1000
blp = ApiBlueprint("api-org-audit", __name__, url_prefix="/api/v1/o/<org>", tag="Audit trail",
                   description="The organization's append-only, hash-chained audit trail.")
ERRORS = {401: "Not signed in, or the token is invalid or revoked",
          403: "Only owners and admins of the organization may read its audit trail",
          404: "No such organization for this caller (or token)",
          422: "A filter is not valid, e.g. a date that is not YYYY-MM-DD or a start after the end"}
documents_errors = error_documenter(blp, ERRORS)


class AuditQuerySchema(Schema):
    tool = fields.String(validate=validate.Length(max=32), metadata={"description": "Tool key, or host"})
    entity_type = fields.String(validate=validate.Length(max=64))
    entity_id = fields.String(validate=validate.Length(max=64))
    user = fields.String(validate=validate.Length(max=254), metadata={"description": "Part of the actor's name"})
    action = fields.String(validate=validate.Length(max=32), metadata={"description": "e.g. create, update"})
    date_from = fields.Date(metadata={"description": "First day (UTC), YYYY-MM-DD"})
    date_to = fields.Date(metadata={"description": "Last day (UTC), YYYY-MM-DD"})
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"At most this many entries (default {PAGE_SIZE})"})


class AuditEntrySchema(Schema):
    sequence = fields.Integer(required=True, attribute="seq",
                              metadata={"description": "Position in the organization's chain"})
    at = fields.DateTime(required=True, format="iso", metadata={"description": "ISO 8601, UTC"})
    actor_type = fields.String(required=True, metadata={"description": "user, token, system, webhook, ..."})
    actor = fields.String(required=True, attribute="actor_label")
    tool = fields.String(required=True, metadata={"description": "Tool key, or host"})
    entity_type = fields.String(required=True)
    entity_id = fields.String(required=True)
    action = fields.String(required=True)
    changes = fields.Function(lambda entry: entry.changes or {}, required=True,
                              metadata={"type": "object", "description": "field: [old, new]"})
    reason = fields.String(allow_none=True, required=True, metadata={"description": "Reason for change"})
    request_id = fields.String(allow_none=True, required=True)
    hash = fields.String(required=True, metadata={"description": "SHA-256 of the entry and the one before"})


class AuditTrailSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True, metadata={"description": "Newest first"})


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditTrailSchema)
@documents_errors(401, 403, 404, 422)
@org_member_required(admin=True)
def get_audit_trail(args):
    """Read the organization's audit trail

    Who did what and when, with old and new values and the reason for change, newest first.
    Owners and admins only.
    """
    query_args = {name: value.isoformat() if hasattr(value, "isoformat") else value
                  for name, value in args.items()}
    try:
        filters = AuditFilters.from_args(query_args, g.org.id)
    except FilterError as problems:
        raise InvalidInput(problems) from None
    return {"entries": db_session().scalars(filtered_query(filters).limit(args["limit"])).all()}
