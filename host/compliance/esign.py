"""Electronic signatures: re-authentication, manifestation, record linking and staleness.

A signature stores the SHA-256 of the record's canonical signed content (21 CFR 11.70) and a
binding hash over the record's identity and the signature's own fields: a later change to the
record makes the signature stale, and a signature row moved to another record no longer binds.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context
from flask import session as web_session
from flask_login import current_user
from sqlalchemy import inspect, select

from sdk.audit import SIGNATURE_MEANINGS, SignatureError, audit_spec, canonical_json, sha256_hex, to_jsonable
from sdk.models import utcnow
from sdk.services import SignatureInfo, Signatures
from sdk.tenancy import current_org_id

from ..auth.passwords import verify_password
from ..db import db_session
from ..models import User
from ..models.compliance import Signature
from .capture import entity_id
from .trail import record_event

CONTINUOUS_SESSION_KEY = "esign_signed_at"


def signed_content_hash(record) -> str:
    spec = audit_spec(record)
    columns = spec.signed_fields or [a.key for a in inspect(record).mapper.column_attrs
                                     if a.key not in spec.exclude]
    content = {name: to_jsonable(getattr(record, name)) for name in columns}
    extra = getattr(record, "signed_content", None)
    if callable(extra):  # what the signature covers beyond the row: its child rows
        content["signed_content"] = extra()
    return sha256_hex(canonical_json(content))


def binding_hash(sig: Signature) -> str:
    return sha256_hex(canonical_json({
        "org_id": sig.org_id, "tool": sig.tool, "entity_type": sig.entity_type,
        "entity_id": sig.entity_id, "signer_id": sig.signer_id, "printed_name": sig.printed_name,
        "signer_email": sig.signer_email, "meaning": sig.meaning,
        "signed_at": to_jsonable(sig.signed_at), "content_hash": sig.content_hash,
    }))


def _info(sig: Signature, current_hash: str | None) -> SignatureInfo:
    return SignatureInfo(sig.id, sig.printed_name, sig.signer_email, sig.meaning,
                         SIGNATURE_MEANINGS.get(sig.meaning, sig.meaning), sig.signed_at,
                         sig.content_hash, stale=current_hash != sig.content_hash,
                         bound=binding_hash(sig) == sig.binding_hash)


def _in_continuous_session() -> bool:
    return has_request_context() and bool(web_session.get(CONTINUOUS_SESSION_KEY))


class HostSignatures(Signatures):
    def sign(self, record, *, meaning, password, email=None) -> SignatureInfo:
        spec = audit_spec(record)
        if spec is None:
            raise SignatureError("This kind of record cannot be signed.")
        if meaning not in SIGNATURE_MEANINGS:
            raise SignatureError(f"Choose a meaning: {', '.join(SIGNATURE_MEANINGS)}.")
        if not current_user.is_authenticated:
            raise SignatureError("Sign in to sign records.")
        session = db_session()
        if session.new or session.dirty or session.deleted:
            raise SignatureError("Save the record before signing it.")
        user = session.get(User, current_user.id)
        org_id = current_org_id()
        target = entity_id(record)
        full_credentials = not _in_continuous_session()
        email_ok = (not full_credentials and not email) or (email or "").strip().lower() == user.email
        if not password or not email_ok or not verify_password(user.password_hash, password):
            needed = "your email and password" if full_credentials else "your password"
            record_event(session, org_id=org_id, tool=spec.tool, entity_type=spec.entity_type,
                         entity_id=target, action="sign_failed", changes={"meaning": [None, meaning]},
                         reason="re-authentication failed")
            session.commit()
            raise SignatureError(f"Signature refused: enter {needed} correctly.")
        sig = Signature(org_id=org_id, tool=spec.tool, entity_type=spec.entity_type, entity_id=target,
                        signer_id=user.id, printed_name=user.name, signer_email=user.email,
                        meaning=meaning, signed_at=utcnow(), content_hash=signed_content_hash(record))
        sig.binding_hash = binding_hash(sig)
        session.add(sig)
        session.flush()
        record_event(session, org_id=org_id, tool=spec.tool, entity_type=spec.entity_type,
                     entity_id=target, action="sign",
                     changes={"meaning": [None, meaning], "content_hash": [None, sig.content_hash],
                              "signature_id": [None, sig.id]})
        session.commit()
        web_session[CONTINUOUS_SESSION_KEY] = utcnow().isoformat()
        return _info(sig, sig.content_hash)

    def for_record(self, record) -> list[SignatureInfo]:
        spec = audit_spec(record)
        if spec is None:
            return []
        rows = db_session().scalars(select(Signature).where(
            Signature.tool == spec.tool, Signature.entity_type == spec.entity_type,
            Signature.entity_id == entity_id(record)).order_by(Signature.signed_at))
        current = signed_content_hash(record)
        return [_info(sig, current) for sig in rows]


def signed_at_label(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def signing_needs_email() -> bool:
    """Whether the next signing in this session needs the email as well (first of a session)."""
    return not _in_continuous_session()


def idle_timeout_minutes() -> int:
    return int(current_app.config.get("IDLE_TIMEOUT_MINUTES", 30))
