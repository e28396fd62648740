"""Declaring a tool's records audited and signable (21 CFR Part 11, EU Annex 11, ICH E6(R3)).

Auditing is declared, not coded per view::

    @audited("mytool")                       # every field change is written to the audit trail
    class Record(TenantMixin, Base): ...

    with reason_for_change(form["reason"]):  # required for any change after the first save
        record.title = form["title"]
        session.commit()                     # refused with ReasonRequiredError if no reason

The host captures old and new values of every column at flush time and appends them to the
organization's hash-chained trail in the same transaction, so a failed audit write rolls the
change back. Signing goes through ``services().signatures``.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

#: Meanings a signature may carry (21 CFR 11.50(a)(3)); the list is controlled, not free text.
SIGNATURE_MEANINGS = {
    "authored": "Authored",
    "reviewed": "Reviewed",
    "approved": "Approved",
    "verified": "Verified",
    "responsibility": "Responsibility",
}

_reason: ContextVar[str | None] = ContextVar("trialoffice_change_reason", default=None)


class ReasonRequiredError(ValueError):
    """A change to a saved record that needs a reason was made without one."""


class SignatureError(ValueError):
    """A signing attempt was refused; the message is meant for the signer."""


@dataclass(frozen=True)
class AuditSpec:
    tool: str
    entity_type: str
    reason_required: bool = True
    exclude: tuple[str, ...] = ()
    signed_fields: tuple[str, ...] | None = None
    org_attribute: str | None = "org_id"


AUDITED: dict[type, AuditSpec] = {}


def audited(tool: str, *, entity_type: str | None = None, reason_required: bool = True,
            exclude: tuple[str, ...] = (), signed_fields: tuple[str, ...] | None = None,
            org_attribute: str | None = "org_id"):
    """Class decorator: audit every change of this model; ``exclude`` lists unaudited columns,
    ``signed_fields`` the columns a signature covers (default: every audited column),
    ``org_attribute`` the column naming the owning organization (None: platform records such as
    user accounts, kept in the platform's own chain)."""

    def register(cls):
        AUDITED[cls] = AuditSpec(tool, entity_type or cls.__name__, reason_required,
                                 tuple(exclude), tuple(signed_fields) if signed_fields else None,
                                 org_attribute)
        return cls

    return register


def audit_spec(obj) -> AuditSpec | None:
    for cls in type(obj).__mro__:
        if cls in AUDITED:
            return AUDITED[cls]
    return None


@contextmanager
def reason_for_change(reason: str | None):
    """Give the reason for the changes flushed inside the block."""
    token = _reason.set((reason or "").strip() or None)
    try:
        yield
    finally:
        _reason.reset(token)


def current_reason() -> str | None:
    return _reason.get()


def to_jsonable(value):
    """A column value as canonical JSON data: UTC ISO times, decimals as strings."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def canonical_json(data) -> str:
    """One serialization for hashing: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=to_jsonable)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
