"""The host's implementation of :class:`sdk.Services`, installed at app creation."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user

from sdk.services import EXTENSION_KEY, Events, Services, UserRef
from sdk.tenancy import current_org_id
from sdk.tool import running_tool_key

from .compliance.esign import HostSignatures
from .compliance.trail import HostAuditTrail
from .db import db_session
from .events import emit_event, event_being_handled
from .models import Organization
from .notifications import HostNotifications
from .orgctx import org_ref
from .permissions import has_tool_permission
from .settings_store import ToolSettings
from .storage import LocalStorage
from .tool_handle import HostToolHandle
from .tool_rules import refuse_other_tools_key


class HostEvents(Events):
    def emit(self, name: str, payload: dict) -> str:
        """Write the event to the outbox in the current transaction (see :mod:`host.events`)."""
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("domain events need an organization in scope")
        user, cause = _user_ref(), event_being_handled()
        actor = user.id if user else (cause.actor_user_id if cause else None)
        return emit_event(db_session(), org_id=org_id, name=name, payload=payload, actor_user_id=actor,
                          source=running_tool_key() or "host")


def _serving_keys(org_id: int) -> list[str]:
    """The tools installed, licensed and enabled in the organization."""
    session = db_session()
    ext = current_app.extensions
    available = {r.key for r in ext["trialoffice.registry"].available()}
    return ext["trialoffice.tool_states"].serving_keys(session, session.get(Organization, org_id), available)


def _user_ref() -> UserRef | None:
    if has_request_context() and current_user.is_authenticated:
        return UserRef(id=current_user.id, email=current_user.email, name=current_user.name,
                       timezone=current_user.timezone)
    return None


class HostServices(Services):
    def __init__(self, app: Flask):
        self._storage = LocalStorage(app.config["STORAGE_DIR"], current_org_id)
        self._events = HostEvents()
        self._audit = HostAuditTrail()
        self._signatures = HostSignatures()
        self._notifications = HostNotifications()
        self._handles: dict[str, HostToolHandle] = {}

    def current_org(self):
        """The organization the queries are scoped to (an ``org_scope`` block wins over the
        request's organization, exactly as in :mod:`sdk.tenancy`)."""
        org_id = current_org_id()
        if org_id is None:
            return None
        org = g.get("org")
        if org is None or org.id != org_id:
            org = db_session().get(Organization, org_id)
        return org_ref(org) if org is not None else None

    def current_user(self):
        return _user_ref()

    def db_session(self):
        return db_session()

    def has_permission(self, tool_key: str, permission: str) -> bool:
        refuse_other_tools_key(tool_key, "check the permissions of")
        return has_tool_permission(g.get("membership"), tool_key, permission)

    def tool_serves(self, tool_key: str) -> bool:
        org_id = current_org_id()
        return org_id is not None and tool_key in _serving_keys(org_id)

    def settings(self, tool_key: str) -> ToolSettings:
        refuse_other_tools_key(tool_key, "read the settings of")
        manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
        if manifest is None:
            raise KeyError(f"tool {tool_key!r} is not installed")
        return ToolSettings(db_session(), manifest)

    @property
    def storage(self):
        return self._storage

    @property
    def events(self):
        return self._events

    @property
    def audit(self):
        return self._audit

    @property
    def signatures(self):
        return self._signatures

    @property
    def notifications(self):
        return self._notifications

    def handle_for(self, tool_key: str) -> HostToolHandle:
        """The level-2 handle of an installed tool (``sdk.tool()`` asks for the running one)."""
        if tool_key not in self._handles:
            if current_app.extensions["trialoffice.registry"].manifest(tool_key) is None:
                raise KeyError(f"tool {tool_key!r} is not installed")
            self._handles[tool_key] = HostToolHandle(tool_key, self)
        return self._handles[tool_key]


def install_services(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = HostServices(app)
