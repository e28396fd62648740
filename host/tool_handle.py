"""The host's :class:`sdk.tool.ToolHandle`: the services, bound to one tool's key.

Everything is delegated to :class:`host.services.HostServices` with the key filled in, so the
level-1 and level-2 APIs share one implementation and one set of rules.
"""
from __future__ import annotations

from flask import g

from sdk.tool import ToolAudit, ToolHandle

from .jobs.service import HostJobs
from .permissions import has_tool_permission
from .sharing.tool_sharing import HostToolSharing


class HostToolAudit(ToolAudit):
    def __init__(self, key: str, trail):
        self._key, self._trail = key, trail

    def record(self, *, entity_type, entity_id, action, changes=None, reason=None) -> None:
        self._trail.record(tool=self._key, entity_type=entity_type, entity_id=entity_id,
                           action=action, changes=changes, reason=reason)

    def history(self, *, entity_type, entity_id):
        return self._trail.history(tool=self._key, entity_type=entity_type, entity_id=entity_id)


class HostToolHandle(ToolHandle):
    def __init__(self, key: str, services):
        self.key = key
        self._services = services
        self._audit = HostToolAudit(key, services.audit)
        self._jobs = HostJobs(key)
        self._sharing = HostToolSharing(key)

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
        return self._services.notifications
