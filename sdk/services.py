"""What the host provides to tools. The SDK declares it; the host implements and installs it.

A tool reaches the services of the running app with :func:`services`::

    from sdk import services
    org = services().current_org()
    services().db_session().add(record)
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

EXTENSION_KEY = "trialoffice.services"


@dataclass(frozen=True)
class OrgRef:
    id: int
    slug: str
    name: str
    type: str


@dataclass(frozen=True)
class UserRef:
    id: int
    email: str
    name: str
    timezone: str = "UTC"


class Storage(ABC):
    """Content-addressed file storage, separate per organization."""

    @abstractmethod
    def put(self, data: bytes) -> str:
        """Store bytes for the current organization; return their SHA-256 key."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; ``KeyError`` when absent."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored for the current organization."""


class Settings(ABC):
    """One tool's settings for the current organization, typed by its manifest."""

    @abstractmethod
    def get(self, name: str) -> Any:
        """The stored value, or the manifest default."""

    @abstractmethod
    def set(self, name: str, value: Any) -> None:
        """Validate against the manifest and store; ``ValueError`` on a bad value."""

    @abstractmethod
    def all(self) -> dict[str, Any]:
        """Every setting with its value, secrets included (do not render them)."""


class Events(ABC):
    @abstractmethod
    def emit(self, name: str, payload: dict) -> None:
        """Deliver a declared domain event to the tools enabled in the current organization."""


class AuditTrail(ABC):
    """The platform's append-only audit trail (implemented by the compliance layer)."""

    @abstractmethod
    def record(self, *, tool: str, entity_type: str, entity_id: str, action: str,
               changes: dict | None = None, reason: str | None = None) -> None:
        """Append one entry for the current organization and actor."""


class Signatures(ABC):
    """Electronic signatures under 21 CFR Part 11 (implemented by the compliance layer)."""

    @abstractmethod
    def sign(self, record, *, meaning: str, password: str, email: str | None = None):
        """Re-authenticate the current user and sign ``record``."""


class Services(ABC):
    """Everything the host offers a tool."""

    @abstractmethod
    def current_org(self) -> OrgRef | None:
        """The organization of the current request or scope."""

    @abstractmethod
    def current_user(self) -> UserRef | None:
        """The signed-in user (or the owner of the API token) of the current request."""

    @abstractmethod
    def db_session(self) -> Session:
        """The request's SQLAlchemy session; tenant tables are scoped automatically."""

    @abstractmethod
    def has_permission(self, tool_key: str, permission: str) -> bool:
        """Whether the current user holds ``permission`` of ``tool_key`` in the current org."""

    @abstractmethod
    def settings(self, tool_key: str) -> Settings:
        """The per-organization settings of a tool."""

    @property
    @abstractmethod
    def storage(self) -> Storage: ...

    @property
    @abstractmethod
    def events(self) -> Events: ...

    @property
    def audit(self) -> AuditTrail:
        raise NotImplementedError("the audit trail is provided by the compliance layer")

    @property
    def signatures(self) -> Signatures:
        raise NotImplementedError("e-signatures are provided by the compliance layer")


def services() -> Services:
    """The services of the running app."""
    return current_app.extensions[EXTENSION_KEY]
