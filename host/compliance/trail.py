"""The host's :class:`sdk.services.AuditTrail`: explicit entries and per-record history."""
from __future__ import annotations

from sqlalchemy import select

from sdk.models import utcnow
from sdk.services import AuditRecord, AuditTrail
from sdk.tenancy import current_org_id

from ..db import db_session
from ..models.compliance import AuditEntry
from ..tool_rules import refuse_other_tools_key
from . import chain
from .actor import current_actor, current_request_id


def record_event(session, *, org_id: int | None, tool: str, entity_type: str, entity_id: str,
                 action: str, changes: dict | None = None, reason: str | None = None) -> dict:
    """Append an explicit entry (sign-ins, signatures, …) in the session's transaction."""
    actor = current_actor()
    return chain.append(session.connection(), {
        "org_id": org_id, "at": utcnow(), "actor_type": actor.type, "actor_id": actor.id,
        "actor_label": actor.label, "tool": tool, "entity_type": entity_type,
        "entity_id": str(entity_id), "action": action, "changes": changes or {}, "reason": reason,
        "request_id": current_request_id(),
    })


def record_history(session, org_id: int | None, tool: str, entity_type: str, entity_id: str):
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.org_id == org_id, AuditEntry.tool == tool,
                                 AuditEntry.entity_type == entity_type,
                                 AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.chain_key, AuditEntry.seq)))


def _check_changes(changes) -> None:
    """Refuse, when it is written, an entry its readers could not show: each field -> [old, new]."""
    if changes is None:
        return
    if not isinstance(changes, dict):
        raise ValueError(f"audit changes must be a dict of field -> [old, new], not {type(changes).__name__}")
    wrong = [name for name, pair in changes.items() if not (isinstance(pair, (list, tuple)) and len(pair) == 2)]
    if wrong:
        raise ValueError(f"audit changes map each field to [old, new] (e.g. {{'kits': [None, 40]}}); "
                         f"not so: {', '.join(map(str, wrong))}")


class HostAuditTrail(AuditTrail):
    def record(self, *, tool, entity_type, entity_id, action, changes=None, reason=None) -> None:
        refuse_other_tools_key(tool, "write audit entries as")
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("audit entries of a tool need an organization in scope")
        _check_changes(changes)
        record_event(db_session(), org_id=org_id, tool=tool, entity_type=entity_type,
                     entity_id=entity_id, action=action, changes=changes, reason=reason)

    def history(self, *, tool, entity_type, entity_id) -> list[AuditRecord]:
        refuse_other_tools_key(tool, "read the audit entries of")
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("audit history needs an organization in scope")
        return [AuditRecord(e.at, e.actor_label, e.action, e.changes or {}, e.reason)
                for e in record_history(db_session(), org_id, tool, entity_type, entity_id)]
