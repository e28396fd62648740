"""Field-level capture of every change to a model declared with :func:`sdk.audit.audited`.

Before a flush, a change to a saved record that needs a reason and has none is refused (nothing
is written). After the flush has written the rows, one audit entry per created, changed or
deleted record is appended in the same transaction: if that append fails, the flush fails and
the change it describes is rolled back with it.
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from sdk.audit import ReasonRequiredError, audit_spec, current_reason, to_jsonable
from sdk.models import utcnow

from . import chain
from .actor import current_actor, current_request_id

_PENDING_ACTOR = "trialoffice_audit_actor"


def _audited_columns(obj, spec):
    mapper = inspect(obj).mapper
    return [attr.key for attr in mapper.column_attrs if attr.key not in spec.exclude]


def _changes(obj, spec, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for key in _audited_columns(obj, spec):
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, to_jsonable(value)]
        elif action == "delete":
            value = history.unchanged[0] if history.unchanged else (history.deleted[0] if history.deleted else None)
            changes[key] = [to_jsonable(value), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [to_jsonable(old), to_jsonable(new)]
    return _with_currencies(obj, spec, changes)


def _with_currencies(obj, spec, changes: dict) -> dict:
    """A changed amount keeps its currency beside it (unchanged), so the trail can show money."""
    for key, source in spec.money.items():
        if key in changes and source not in changes and source in inspect(obj).mapper.column_attrs:
            value = to_jsonable(getattr(obj, source))
            changes[source] = [value, value]
    return changes


def entity_id(obj) -> str:
    return ",".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


def _refuse_changes_without_reason(session: Session, flush_context, instances) -> None:
    session.info[_PENDING_ACTOR] = current_actor()  # resolved here: no queries during the flush
    for obj in (*session.dirty, *session.deleted):
        spec = audit_spec(obj)
        if spec is None or not spec.reason_required or current_reason():
            continue
        action = "delete" if obj in session.deleted else "update"
        if action == "delete" or _changes(obj, spec, "update"):
            raise ReasonRequiredError(
                f"A reason for change is required to {action} {spec.entity_type} {entity_id(obj)}.")


def _append_entries(session: Session, flush_context) -> None:
    records = [(o, "create") for o in session.new] + [(o, "delete") for o in session.deleted]
    records += [(o, "update") for o in session.dirty if o not in session.deleted]
    actor = session.info.get(_PENDING_ACTOR) or current_actor()
    reason, request_id, now = current_reason(), current_request_id(), utcnow()
    connection = session.connection()
    for obj, action in records:
        spec = audit_spec(obj)
        if spec is None:
            continue
        changes = _changes(obj, spec, action)
        if action == "update" and not changes:
            continue
        chain.append(connection, {
            "org_id": getattr(obj, spec.org_attribute) if spec.org_attribute else None, "at": now,
            "actor_type": actor.type, "actor_id": actor.id, "actor_label": actor.label,
            "tool": spec.tool, "entity_type": spec.entity_type, "entity_id": entity_id(obj),
            "action": action, "changes": changes, "reason": reason, "request_id": request_id,
        })


def install_audit_capture(session_factory) -> None:
    """Called once for each new session factory (see :func:`host.compliance.init_compliance`)."""
    event.listen(session_factory, "before_flush", _refuse_changes_without_reason)
    event.listen(session_factory, "after_flush", _append_entries)
