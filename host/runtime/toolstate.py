"""Which tools serve an organization: a per-process cache keyed by the org's ``tools_version``.

Every change to a License or OrgTool row bumps ``organization.tools_version`` in the same
transaction (session hooks for both flushed objects and bulk UPDATE/DELETE statements, so no
code path through the session can forget it). Each request already reads the organization row,
so a stale cache is noticed with no extra query, across processes too. Expiry by date needs no
bump: :meth:`ToolState.serves` compares ``valid_until`` with the clock on every call.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from sdk.tenancy import org_scope

from ..models import License, Organization, OrgTool, license_entitles


@dataclass(frozen=True)
class ToolState:
    key: str
    enabled: bool = False
    license_status: str | None = None
    plan_code: str | None = None
    seats: int = 0
    valid_until: datetime | None = None
    trial_ends_at: datetime | None = None

    def entitled(self, now: datetime | None = None) -> bool:
        return license_entitles(self.license_status, self.valid_until, now)

    def serves(self, now: datetime | None = None) -> bool:
        return self.enabled and self.entitled(now)


class ToolStateCache:
    def __init__(self):
        self._cache: dict[int, tuple[int, dict[str, ToolState]]] = {}
        self._lock = threading.Lock()

    def states(self, session: Session, org: Organization) -> dict[str, ToolState]:
        hit = self._cache.get(org.id)
        if hit and hit[0] == org.tools_version:
            return hit[1]
        states = load_states(session, org.id)
        with self._lock:
            self._cache[org.id] = (org.tools_version, states)
        return states

    def state(self, session: Session, org: Organization, key: str) -> ToolState:
        return self.states(session, org).get(key) or ToolState(key)

    def serving_keys(self, session: Session, org: Organization, available: set[str]) -> list[str]:
        return sorted(k for k, s in self.states(session, org).items() if k in available and s.serves())


def load_states(session: Session, org_id: int) -> dict[str, ToolState]:
    with org_scope(org_id):
        rows = session.execute(
            select(License.tool_key, License.status, License.plan_code, License.seats,
                   License.valid_until, License.trial_ends_at)
        ).all()
        enabled = set(session.scalars(select(OrgTool.tool_key).where(OrgTool.enabled.is_(True))))
    states = {key: ToolState(key, enabled=True) for key in enabled}
    for key, status, plan, seats, valid_until, trial_ends in rows:
        states[key] = ToolState(key, key in enabled, status, plan, seats, valid_until, trial_ends)
    return states


def _bump_tools_version(session: Session, flush_context, instances) -> None:
    changed = {o.org_id for o in (*session.new, *session.dirty, *session.deleted)
               if isinstance(o, (License, OrgTool)) and (o in session.new or o in session.deleted
                                                         or session.is_modified(o))}
    if changed:
        _bump(session, Organization.__table__.c.id.in_(changed))


def _bump(session: Session, where) -> None:
    """Bulk UPDATE/DELETE of License and OrgTool is refused (they are audited, see
    :mod:`host.compliance.guards`), so every change passes through this flush hook."""
    table = Organization.__table__
    session.connection().execute(update(table).values(tools_version=table.c.tools_version + 1).where(where))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Organization):
            session.expire(obj, ["tools_version"])


def install_version_bump(session_factory) -> None:
    """Called once for each new session factory (see :func:`host.app.create_app`)."""
    event.listen(session_factory, "before_flush", _bump_tools_version)
