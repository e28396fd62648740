"""Electronic signatures: re-authentication, manifestation, record linking and staleness.

A signature stores the SHA-256 of the record's canonical signed content (21 CFR 11.70) and a
binding hash over the record's identity and the signature's own fields: a later change to the
record makes the signature stale, and a signature row moved to another record no longer binds.

A record another organization shared can be signed through the grant (a site's investigator
signs the sponsor's casebook): the signature and its audit entries are the record OWNER's
(``org_id``, the owner's audit chain) with the signer's organization in ``signer_org_id``, and
the record's sharing coordinates on the row make it visible to every organization whose grant
shows the record (:class:`~sdk.tenancy.sharing.RowSharing`): owner and grantees list the same
signatures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context
from flask import session as web_session
from flask_login import current_user
from sqlalchemy import inspect, select

from sdk.audit import SIGNATURE_MEANINGS, SignatureError, audit_spec, canonical_json, sha256_hex, to_jsonable
from sdk.models import utcnow
from sdk.services import SignatureInfo, Signatures
from sdk.tenancy import current_org_id, sharing_of
from sdk.tenancy.grant_lookup import column_value, granting_owner

from ..auth import uses_bearer_token
from ..auth.passwords import verify_password
from ..db import db_session
from ..models import Organization, User
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
    fields = {
        "org_id": sig.org_id, "tool": sig.tool, "entity_type": sig.entity_type,
        "entity_id": sig.entity_id, "signer_id": sig.signer_id, "printed_name": sig.printed_name,
        "signer_email": sig.signer_email, "meaning": sig.meaning,
        "signed_at": to_jsonable(sig.signed_at), "content_hash": sig.content_hash,
    }
    if sig.signer_org_id is not None:  # signed since host_0014: where from, and who may see it
        fields.update(signer_org_id=sig.signer_org_id, shared_record_type=sig.shared_record_type,
                      shared_record_id=sig.shared_record_id, shared_site_id=sig.shared_site_id,
                      shared_has_site=sig.shared_has_site)
    return sha256_hex(canonical_json(fields))


@dataclass(frozen=True)
class HostSignatureInfo(SignatureInfo):
    """A signature as the host shows it: also the organization the signer signed from."""

    signer_org_id: int | None = None
    signer_org_name: str | None = None


def _info(sig: Signature, current_hash: str | None, org_names: dict[int, str] | None = None) -> SignatureInfo:
    names = org_names if org_names is not None else _org_names([sig])
    return HostSignatureInfo(sig.id, sig.printed_name, sig.signer_email, sig.meaning,
                             SIGNATURE_MEANINGS.get(sig.meaning, sig.meaning), sig.signed_at,
                             sig.content_hash, stale=current_hash != sig.content_hash,
                             bound=binding_hash(sig) == sig.binding_hash,
                             signer_org_id=sig.signer_org_id, signer_org_name=names.get(sig.signer_org_id))


def _org_names(signatures) -> dict[int, str]:
    ids = {sig.signer_org_id for sig in signatures if sig.signer_org_id is not None}
    if not ids:
        return {}
    return dict(db_session().execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def record_owner(record, spec) -> int | None:
    """The organization that owns ``record`` (its signatures and audit entries are that one's)."""
    return getattr(record, spec.org_attribute) if spec.org_attribute else None


def shared_coordinates(record) -> dict:
    """The record's sharing coordinates for its signature row (all None for a model never shared)."""
    sharing = sharing_of(type(record))
    if sharing is None:
        return {"shared_record_type": None, "shared_record_id": None, "shared_site_id": None,
                "shared_has_site": None}
    return {"shared_record_type": sharing.record_type, "shared_record_id": column_value(record, sharing.via),
            "shared_site_id": column_value(record, sharing.site) if sharing.site else None,
            "shared_has_site": sharing.site is not None}


def reaches_through_grant(record, spec, org_id: int | None) -> bool:
    """Whether ``org_id`` sees another organization's ``record`` through an active grant."""
    owner = record_owner(record, spec)
    if org_id is None or owner is None or owner == org_id:
        return False
    return granting_owner(db_session(), record, org_id, writable=False) == owner


def _in_continuous_session() -> bool:
    """A later signing of a signed-in browser session; an API call (a bearer token, no session)
    always signs with email and password."""
    return has_request_context() and not uses_bearer_token() and bool(web_session.get(CONTINUOUS_SESSION_KEY))


class HostSignatures(Signatures):
    def sign(self, record, *, meaning, password, email=None, commit=True) -> SignatureInfo:
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
        signer_org_id = current_org_id()
        owner_id = record_owner(record, spec)
        if owner_id is not None and owner_id != signer_org_id and not reaches_through_grant(record, spec, signer_org_id):
            raise SignatureError("This record is not your organization's, and no grant shares it with you.")
        org_id = owner_id if owner_id is not None else signer_org_id  # the record owner's trail
        target = entity_id(record)
        full_credentials = not _in_continuous_session()
        email_ok = (not full_credentials and not email) or (email or "").strip().lower() == user.email
        if not password or not email_ok or not verify_password(user.password_hash, password):
            needed = "your email and password" if full_credentials else "your password"
            session.rollback()  # nothing the caller flushed for this signing is kept, only the failure
            record_event(session, org_id=org_id, tool=spec.tool, entity_type=spec.entity_type,
                         entity_id=target, action="sign_failed",
                         changes={"meaning": [None, meaning], **_signed_from(signer_org_id, org_id)},
                         reason="re-authentication failed")
            session.commit()
            raise SignatureError(f"Signature refused: enter {needed} correctly.")
        sig = Signature(org_id=org_id, tool=spec.tool, entity_type=spec.entity_type, entity_id=target,
                        signer_id=user.id, printed_name=user.name, signer_email=user.email,
                        meaning=meaning, signed_at=utcnow(), content_hash=signed_content_hash(record),
                        signer_org_id=signer_org_id, **shared_coordinates(record))
        sig.binding_hash = binding_hash(sig)
        session.add(sig)
        session.flush()
        record_event(session, org_id=org_id, tool=spec.tool, entity_type=spec.entity_type,
                     entity_id=target, action="sign",
                     changes={"meaning": [None, meaning], "content_hash": [None, sig.content_hash],
                              "signature_id": [None, sig.id], **_signed_from(signer_org_id, org_id)})
        if commit:
            session.commit()
        if has_request_context() and not uses_bearer_token():
            web_session[CONTINUOUS_SESSION_KEY] = utcnow().isoformat()
        return _info(sig, sig.content_hash)

    def for_record(self, record) -> list[SignatureInfo]:
        spec = audit_spec(record)
        if spec is None:
            return []
        query = select(Signature).where(
            Signature.tool == spec.tool, Signature.entity_type == spec.entity_type,
            Signature.entity_id == entity_id(record))
        owner_id = record_owner(record, spec)
        if owner_id is not None:  # the owner's rows: the scoping shows them to covered grantees too
            query = query.where(Signature.org_id == owner_id)
        rows = list(db_session().scalars(query.order_by(Signature.signed_at, Signature.id)))
        current = signed_content_hash(record)
        names = _org_names(rows)
        return [_info(sig, current, names) for sig in rows]


def _signed_from(signer_org_id: int | None, owner_id: int | None) -> dict:
    """The audit entry's note of a signer from another organization (a grantee)."""
    if signer_org_id is None or signer_org_id == owner_id:
        return {}
    org = db_session().get(Organization, signer_org_id)
    return {"signer_organization": [None, org.name if org is not None else str(signer_org_id)]}


def signed_at_label(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def signing_needs_email() -> bool:
    """Whether the next signing in this session needs the email as well (first of a session)."""
    return not _in_continuous_session()


def idle_timeout_minutes() -> int:
    return int(current_app.config.get("IDLE_TIMEOUT_MINUTES", 30))
