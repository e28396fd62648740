"""Signing a tool's record from its page: the sign dialog of ``signature_block(record)`` posts to
``/o/<org>/records/<tool>/<entity_type>/<record_id>/sign``.

The record is found through the ``@audited`` registry and loaded through the tenant-scoped
session, so an id of another organization's record is 404 like any unknown one; the tool must
serve the organization, and the member must hold the model's ``sign_permission`` if it declares
one. Signing itself is :meth:`HostSignatures.sign` (re-authentication, manifestation, audit).

A record another organization shares with this one through an active grant can be signed too
(a site's investigator signs the sponsor's casebook), when the model declares a
``sign_permission`` and the member holds it on that record through the grant's roles. The tool
need not be licensed here: the owner's serving license covers its grantees, as at the tool gate.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for
from sqlalchemy import inspect

from sdk.audit import AUDITED, SIGNATURE_MEANINGS, AuditSpec, SignatureError, audited_model

from ..auth.forms import safe_next_url
from ..db import db_session
from ..models import Organization
from ..orgctx import org_member_required
from ..permissions import has_tool_permission
from ..templating import serving_tools
from .capture import entity_id
from .esign import HostSignatures, reaches_through_grant, record_owner

bp = Blueprint("signatures", __name__)
#: The last refusal, for the dialog of the record it concerns to open again with the message.
REFUSAL_KEY = "signature_refused"


def record_key(spec: AuditSpec, record_id: str) -> str:
    return f"{spec.tool}:{spec.entity_type}:{record_id}"


def _primary_key(model, raw: str):
    columns = inspect(model).primary_key
    parts = raw.split(",")
    if len(parts) != len(columns):
        return None
    values = []
    for column, part in zip(columns, parts):
        try:
            kind = column.type.python_type
            values.append(kind(part) if kind in (int, str) else part)
        except (ValueError, NotImplementedError):
            return None
    return tuple(values)


def _owner_serves(owner_id: int, tool: str) -> bool:
    """Whether the record owner's license serves ``tool`` (it pays for what it shares)."""
    registry = current_app.extensions["trialoffice.registry"]
    if tool not in {r.key for r in registry.available()}:
        return False
    owner = db_session().get(Organization, owner_id)
    return owner is not None and current_app.extensions["trialoffice.tool_states"].state(
        db_session(), owner, tool).serves()


def _reachable(record, spec: AuditSpec) -> bool:
    """The current organization's record of a tool serving it, or a record an active grant
    shares with it, of a tool that serves it or its owner."""
    owner_id = record_owner(record, spec)
    if owner_id == g.org.id:
        return spec.tool in serving_tools()
    if not reaches_through_grant(record, spec, g.org.id):
        return False
    return spec.tool in serving_tools() or _owner_serves(owner_id, spec.tool)


def signable_record(tool: str, entity_type: str, raw_id: str):
    """A record the current organization owns or is granted, with its spec; 404 for anything else."""
    model = audited_model(tool, entity_type)
    if model is None:
        abort(404)
    spec = AUDITED[model]
    key = _primary_key(model, raw_id)
    if spec.org_attribute is None or key is None or spec.signed_by_tool:
        abort(404)
    record = db_session().get(model, key)
    if record is None or not _reachable(record, spec):
        abort(404)
    return record, spec


def _holds_sign_permission(membership, record, spec: AuditSpec) -> bool:
    if record_owner(record, spec) != membership.org_id:  # shared: the grant's roles must say so
        return bool(spec.sign_permission) and has_tool_permission(membership, spec.tool, spec.sign_permission, record)
    return not spec.sign_permission or has_tool_permission(membership, spec.tool, spec.sign_permission, record)


def may_sign(record, spec: AuditSpec) -> bool:
    """Whether the current member may sign ``record`` on this page."""
    membership = g.get("membership")
    if membership is None or g.get("org") is None or spec.org_attribute is None:
        return False
    return _reachable(record, spec) and _holds_sign_permission(membership, record, spec)


def page_address() -> str | None:
    """Where to come back to after signing: this page if it was fetched, else the one posted from."""
    if request.method == "GET":
        query = request.query_string.decode("latin-1")
        return request.path + (f"?{query}" if query else "")
    referrer = urlsplit(request.referrer or "")
    return safe_next_url(referrer.path + (f"?{referrer.query}" if referrer.query else "")) if referrer.path else None


def sign_url(record, spec: AuditSpec) -> str:
    return url_for("signatures.sign", tool=spec.tool, entity_type=spec.entity_type,
                   record_id=entity_id(record), next=page_address())


@bp.post("/o/<org>/records/<tool>/<entity_type>/<record_id>/sign")
@org_member_required
def sign(tool: str, entity_type: str, record_id: str):
    record, spec = signable_record(tool, entity_type, record_id)
    if not _holds_sign_permission(g.membership, record, spec):
        abort(403, "You do not have the permission to sign this record.")
    back = safe_next_url(request.args.get("next")) or url_for("home.org_home")
    meaning, key = request.form.get("meaning", ""), record_key(spec, entity_id(record))
    try:
        if spec.meanings and meaning not in spec.meanings:
            allowed = ", ".join(SIGNATURE_MEANINGS[m] for m in spec.meanings)
            raise SignatureError(f"This record can be signed as: {allowed}.")
        signature = HostSignatures().sign(record, meaning=meaning, password=request.form.get("password", ""),
                                          email=(request.form.get("email") or "").strip() or None)
    except SignatureError as exc:
        db_session().rollback()
        session[REFUSAL_KEY] = {"record": key, "message": str(exc)}
        flash(str(exc), "error")
        return redirect(back, 303)
    session.pop(REFUSAL_KEY, None)
    flash(f"Signed by {signature.printed_name}, meaning: {signature.meaning_label}.", "success")
    return redirect(back, 303)
