"""``record_trail(record)`` in any template: the record's signatures and audit history, shown
wherever the record is shown (21 CFR 11.50(b): manifestations on displays and printouts)."""
from __future__ import annotations

from flask import Flask, render_template
from markupsafe import Markup

from sdk.audit import audit_spec
from sdk.services import services
from sdk.tenancy import current_org_id

from ..db import db_session
from .capture import entity_id
from .trail import record_history


def record_trail(record) -> Markup:
    spec = audit_spec(record)
    if spec is None:
        return Markup("")
    entries = record_history(db_session(), current_org_id(), spec.tool, spec.entity_type,
                             entity_id(record))
    signatures = services().signatures.for_record(record)
    return Markup(render_template("compliance/record_trail.html", entries=entries,
                                  signatures=signatures))


def init_display(app: Flask) -> None:
    app.jinja_env.globals["record_trail"] = record_trail
