"""The record components every tool puts on a record page with one line each (21 CFR 11.50(b):
signature manifestations wherever the record is shown, 11.10(e): its audit trail)::

    {{ signature_block(record) }}                        {# signatures and the Sign dialog #}
    {{ signature_block(record, meanings=["approved"]) }} {# only these meanings offered #}
    {{ record_history(record) }}                         {# who, when, what from what to what, why #}

``record_trail(record)`` shows both. A tool whose own action *is* a signature (approving a
document: sign, then change its status, in one request) points the dialog at its route
(``docs/sdk/records.md``)::

    {{ signature_block(doc, meanings=["approved"], action=url_for(".approve", id=doc.id),
                       button="Approve…") }}
    {{ signature_block(doc, offer=False) }}              {# the signatures only, no dialog #}
"""
from __future__ import annotations

import re

from flask import Flask, render_template, session
from markupsafe import Markup
from sqlalchemy import inspect

from sdk.audit import SIGNATURE_MEANINGS, audit_spec
from sdk.tenancy import current_org_id

from ..db import db_session
from ..sharing.reach import history_chain_of
from . import trail
from .capture import entity_id
from .esign import HostSignatures, idle_timeout_minutes, signing_needs_email
from .presentation import SECONDS, present
from .signing import REFUSAL_KEY, may_sign, record_key, sign_url

#: Fields of a signing's audit entry that the signature block shows already.
_SHOWN_IN_SIGNATURES = ("content_hash", "signature_id")


def record_history(record, title: str = "History") -> Markup:
    spec = audit_spec(record)
    if spec is None:
        return Markup("")
    session, org_id = db_session(), current_org_id()
    if spec.org_attribute == "org_id" and org_id is not None:
        org_id = history_chain_of(session, record, org_id)  # a shared record: its owner's chain
    entries = [] if org_id is None else trail.record_history(session, org_id, spec.tool, spec.entity_type,
                                                             entity_id(record))
    shown_elsewhere = {c.key for c in inspect(record).mapper.primary_key} | set(_SHOWN_IN_SIGNATURES)
    if spec.org_attribute:
        shown_elsewhere.add(spec.org_attribute)
    views = present(entries, hide=frozenset(shown_elsewhere))
    return Markup(render_template("kit/record_history.html", views=list(reversed(views)),
                                  title=title, record_label=spec.entity_label))


def record_name(record, spec) -> str:
    """How the dialog names the record: its ``name`` or ``title`` if it has one, else type and id."""
    for attribute in ("name", "title"):
        value = getattr(record, attribute, None)
        if isinstance(value, str) and value.strip():
            return f"{spec.entity_label.lower()} {value.strip()}"
    return f"{spec.entity_label.lower()} {entity_id(record)}"


def _meanings(spec, wanted) -> dict[str, str]:
    allowed = [m for m in (wanted or spec.meanings or SIGNATURE_MEANINGS) if m in SIGNATURE_MEANINGS]
    if spec.meanings:
        allowed = [m for m in allowed if m in spec.meanings]
    return {m: SIGNATURE_MEANINGS[m] for m in allowed}


def signature_block(record, meanings=None, title: str = "Signatures", *, action: str | None = None,
                    button: str = "Sign…", offer: bool = True) -> Markup:
    """The record's signatures and, for a member who may sign it, the sign dialog.

    The dialog posts to the host's sign route, or to ``action`` (the tool's own route, which
    calls ``tool().signatures.sign`` and changes its state itself); ``button`` labels the button
    that opens it; ``offer=False`` lists the signatures and never offers the dialog."""
    spec = audit_spec(record)
    if spec is None:
        return Markup("")
    rid = entity_id(record)
    key = record_key(spec, rid)
    refusal = session.get(REFUSAL_KEY)
    message = None
    if refusal and refusal.get("record") == key:
        message = session.pop(REFUSAL_KEY)["message"]
    signable = offer and may_sign(record, spec)
    if signable and action is None:
        action = sign_url(record, spec)
    return Markup(render_template(
        "kit/signature_block.html", signatures=HostSignatures().for_record(record), title=title,
        record_label=record_name(record, spec), can_sign=signable, action=action if signable else None,
        open_label=button, submit_label=button.rstrip("…. ") or "Sign", meanings=_meanings(spec, meanings),
        needs_email=signing_needs_email(), refusal=message, idle_minutes=idle_timeout_minutes(),
        dialog_id="sign-" + re.sub(r"[^A-Za-z0-9_-]", "-", key), seconds=SECONDS))


def record_trail(record) -> Markup:
    return signature_block(record) + record_history(record)


def init_display(app: Flask) -> None:
    app.jinja_env.globals.update(record_trail=record_trail, record_history=record_history,
                                 signature_block=signature_block)
