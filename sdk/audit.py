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

The trail speaks the reader's language, not the schema's: a model names its fields and its money::

    @audited("mytool", entity_type="order", label="Order", labels={"ref": "Order reference"},
             money={"total": "currency"},    # minor units; the currency from that column (or "USD")
             meanings=("approved",), sign_permission="approve")
    class Order(TenantMixin, Base): ...

A column without a declared label takes ``info={"label": ...}`` from its ``mapped_column``, else
its name humanized (``trial_ref`` -> "Trial ref"). ``meanings`` limits what a signature on the
record may mean (default: every one of :data:`SIGNATURE_MEANINGS`), ``sign_permission`` names the
tool permission a member needs to sign it. A model may add content its signatures cover beyond its
own columns (its child rows) with a ``signed_content(self) -> dict`` method.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    label: str | None = None
    labels: dict = field(default_factory=dict, hash=False, compare=False)
    #: Money columns in minor units: column -> the column holding its currency, or an ISO code.
    money: dict = field(default_factory=dict, hash=False, compare=False)
    meanings: tuple[str, ...] | None = None
    sign_permission: str | None = None
    #: Coded columns: column -> {stored code: the word a reader sees} ("trialing" -> "Free trial").
    values: dict = field(default_factory=dict, hash=False, compare=False)
    #: Columns holding a platform user's id, shown as the person's name and email.
    people: tuple[str, ...] = ()
    #: Signed only through the tool's own action (``signature_block(action=...)``): the host's
    #: generic sign route refuses it, so no signature exists without the state change it means.
    signed_by_tool: bool = False

    @property
    def entity_label(self) -> str:
        return self.label or humanize(self.entity_type)


AUDITED: dict[type, AuditSpec] = {}


def audited(tool: str, *, entity_type: str | None = None, reason_required: bool = True,
            exclude: tuple[str, ...] = (), signed_fields: tuple[str, ...] | None = None,
            org_attribute: str | None = "org_id", label: str | None = None,
            labels: dict[str, str] | None = None, money: dict[str, str] | None = None,
            meanings: tuple[str, ...] | None = None, sign_permission: str | None = None,
            values: dict[str, dict] | None = None, people: tuple[str, ...] = (), signed_by_tool: bool = False):
    """Class decorator: audit every change of this model; ``exclude`` lists unaudited columns,
    ``signed_fields`` the columns a signature covers (default: every audited column),
    ``org_attribute`` the column naming the owning organization (None: platform records such as
    user accounts, kept in the platform's own chain). ``label``, ``labels`` and ``money`` say how
    the trail shows the record and its fields, ``values`` the words for coded columns and
    ``people`` the columns holding a platform user's id; ``meanings`` and ``sign_permission`` who may sign
    it and how (see the module's docstring); ``signed_by_tool`` that only the tool's own action
    signs it (the host's sign route answers 404 for it)."""
    unknown = [m for m in (meanings or ()) if m not in SIGNATURE_MEANINGS]
    if unknown:
        raise ValueError(f"unknown signature meanings {unknown}; choose from {list(SIGNATURE_MEANINGS)}")

    def register(cls):
        AUDITED[cls] = AuditSpec(tool, entity_type or cls.__name__, reason_required,
                                 tuple(exclude), tuple(signed_fields) if signed_fields else None,
                                 org_attribute, label, dict(labels or {}), dict(money or {}),
                                 tuple(meanings) if meanings else None, sign_permission,
                                 {k: dict(v) for k, v in (values or {}).items()}, tuple(people), signed_by_tool)
        return cls

    return register


def audit_spec(obj) -> AuditSpec | None:
    for cls in type(obj).__mro__:
        if cls in AUDITED:
            return AUDITED[cls]
    return None


def audited_model(tool: str, entity_type: str) -> type | None:
    """The model class declared ``@audited(tool, entity_type=...)``, or None."""
    for cls, spec in AUDITED.items():
        if spec.tool == tool and spec.entity_type == entity_type:
            return cls
    return None


def humanize(name: str) -> str:
    """``trial_ref`` -> "Trial ref": a column or record type name as a reader would write it."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _column(model: type | None, key: str):
    table = getattr(model, "__table__", None)
    return table.columns.get(key) if table is not None else None


def field_label(model: type | None, key: str) -> str:
    """A field's label: declared in ``@audited(labels=...)``, else ``info={"label": ...}`` on its
    column, else its name humanized."""
    spec = AUDITED.get(model) if model is not None else None
    if spec is not None and key in spec.labels:
        return spec.labels[key]
    column = _column(model, key)
    if column is not None and column.info.get("label"):
        return str(column.info["label"])
    return humanize(key)


def money_currency(model: type | None, key: str, values: dict) -> str | None:
    """The currency of money field ``key``, if it is one: a fixed ISO code, or the value of its
    currency column in ``values`` (field -> value, as the entry or record holds them)."""
    spec = AUDITED.get(model) if model is not None else None
    source = spec.money.get(key) if spec is not None else None
    if source is None:
        return None
    if _column(model, source) is not None:
        value = values.get(source)
        return str(value) if value else None
    return source


def value_word(model: type | None, key: str, value) -> str | None:
    """The word declared for coded value ``value`` of column ``key``, or None."""
    spec = AUDITED.get(model) if model is not None else None
    words = spec.values.get(key) if spec is not None else None
    if not words or isinstance(value, (list, dict)):
        return None
    return words.get(value)


def is_person_field(model: type | None, key: str) -> bool:
    """Whether column ``key`` holds a platform user's id (``@audited(people=...)``)."""
    spec = AUDITED.get(model) if model is not None else None
    return spec is not None and key in spec.people


def is_time_field(model: type | None, key: str) -> bool:
    """Whether ``key`` is a date-and-time column (shown in the reader's time zone)."""
    column = _column(model, key)
    if column is None:
        return False
    try:
        return column.type.python_type is datetime
    except NotImplementedError:
        return False


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
