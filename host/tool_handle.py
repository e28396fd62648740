"""The host's :class:`sdk.tool.ToolHandle`: the services, bound to one tool's key.

Everything is delegated to :class:`host.services.HostServices` with the key filled in, so the
level-1 and level-2 APIs share one implementation and one set of rules.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import g
from sqlalchemy import and_, inspect, or_, select

from sdk.audit import AUDITED, audited_model
from sdk.notifications import Notifications
from sdk.services import AuditRecord
from sdk.tenancy import current_org_id
from sdk.tool import ToolAudit, ToolHandle

from .db import db_session
from .documents import HostDocuments
from .jobs.service import HostJobs
from .models.compliance import AuditEntry
from .notifications.tool_notifications import notify_holders_of
from .permissions import has_tool_permission
from .sharing.reach import history_chain_of
from .sharing.tool_sharing import HostToolSharing
from .vault import HostVault


class HostToolAudit(ToolAudit):
    def __init__(self, key: str, trail):
        self._key, self._trail = key, trail

    def record(self, *, entity_type, entity_id, action, changes=None, reason=None) -> None:
        self._trail.record(tool=self._key, entity_type=entity_type, entity_id=entity_id,
                           action=action, changes=changes, reason=reason)

    def history(self, *, entity_type, entity_id):
        return self.history_many(entity_type, [entity_id])[entity_id]

    def history_many(self, entity_type: str, entity_ids: Iterable[str | int]) -> dict:
        """Entries in the chain that holds each record's history for the current organization
        (:func:`host.sharing.reach.history_chain_of`), read in one query."""
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("audit history needs an organization in scope")
        wanted = list(dict.fromkeys(entity_ids))
        session = db_session()
        chains = self._chains(session, org_id, entity_type, [str(i) for i in wanted])
        by_chain: dict[int, list[str]] = {}
        for entity_id, chain_org in chains.items():
            if chain_org is not None:
                by_chain.setdefault(chain_org, []).append(entity_id)
        found: dict[str, list[AuditRecord]] = {}
        if by_chain:
            entries = session.scalars(select(AuditEntry).where(
                AuditEntry.tool == self._key, AuditEntry.entity_type == entity_type,
                or_(*(and_(AuditEntry.org_id == chain_org, AuditEntry.entity_id.in_(ids))
                      for chain_org, ids in by_chain.items())))
                .order_by(AuditEntry.chain_key, AuditEntry.seq))
            for e in entries:
                found.setdefault(e.entity_id, []).append(
                    AuditRecord(e.at, e.actor_label, e.action, e.changes or {}, e.reason))
        return {entity_id: found.get(str(entity_id), []) for entity_id in wanted}

    def _chains(self, session, org_id: int, entity_type: str, entity_ids: list[str]) -> dict[str, int | None]:
        """Each record's chain: the current organization's, unless the record is another
        organization's row (visible through a grant), then its owner's if a grant covers it."""
        chains: dict[str, int | None] = dict.fromkeys(entity_ids, org_id)
        model = audited_model(self._key, entity_type)
        if model is None or not entity_ids:
            return chains
        spec = AUDITED[model]
        keys = inspect(model).primary_key
        if spec.org_attribute != "org_id" or len(keys) != 1:
            return chains
        ids = {}
        for entity_id in entity_ids:
            try:
                ids[keys[0].type.python_type(entity_id)] = entity_id
            except (TypeError, ValueError, NotImplementedError):
                continue
        if not ids:
            return chains
        for row in session.scalars(select(model).where(keys[0].in_(list(ids)))):
            if row.org_id != org_id:
                chains[ids[getattr(row, inspect(model).get_property_by_column(keys[0]).key)]] = \
                    history_chain_of(session, row, org_id)
        return chains


class HostToolNotifications(Notifications):
    """``tool().notifications``: the platform's notifications, with the tool's key bound."""

    def __init__(self, key: str, notifications):
        self._key, self._notifications = key, notifications

    def notify(self, user_ids, *, kind, subject, body, link=None) -> int:
        return self._notifications.notify(user_ids, kind=kind, subject=subject, body=body, link=link)

    def notify_holders(self, permission, record, *, kind, subject, body="", link=None) -> int:
        return notify_holders_of(self._key, permission, record, kind=kind, subject=subject, body=body, link=link)


class HostToolHandle(ToolHandle):
    def __init__(self, key: str, services):
        self.key = key
        self._services = services
        self._audit = HostToolAudit(key, services.audit)
        self._jobs = HostJobs(key)
        self._sharing = HostToolSharing(key)
        self._notifications = HostToolNotifications(key, services.notifications)
        self._vault = HostVault(key)
        self._documents = HostDocuments(key, services)

    def __repr__(self) -> str:
        return f"<tool handle {self.key}>"

    def current_org(self):
        return self._services.current_org()

    def current_user(self):
        return self._services.current_user()

    def db_session(self):
        return self._services.db_session()

    def can(self, permission: str, record=None) -> bool:
        return has_tool_permission(g.get("membership"), self.key, permission, record)

    def serves(self, other_key: str) -> bool:
        return self._services.tool_serves(other_key)

    @property
    def settings(self):
        return self._services.settings(self.key)

    @property
    def audit(self):
        return self._audit

    @property
    def sharing(self):
        return self._sharing

    @property
    def jobs(self):
        return self._jobs

    @property
    def vault(self):
        return self._vault

    @property
    def documents(self):
        return self._documents

    @property
    def storage(self):
        return self._services.storage

    @property
    def events(self):
        return self._services.events

    @property
    def signatures(self):
        return self._services.signatures

    @property
    def notifications(self):
        return self._notifications
