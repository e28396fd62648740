"""What the host provides to tools. The SDK declares it; the host implements and installs it.

A tool reaches the services of the running app with :func:`services`::

    from sdk import services
    org = services().current_org()
    services().db_session().add(record)
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Iterable

from flask import current_app
from sqlalchemy.orm import Session

from .files import StoredFile
from .notifications import Notifications

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
    """Content-addressed file storage, separate per organization.

    ``put``/``get`` keep bare bytes; ``save``/``info``/``open``/``send`` keep files with their
    content type (checked by content), size and original name (:mod:`sdk.files`,
    ``docs/sdk/files.md``). Keys are SHA-256 digests; another organization's key is not found.
    Every read-back is checked against the key: bytes damaged on disk raise
    :class:`sdk.files.FileCorrupted` (``get``, ``verify``, ``send``, the end of an ``open`` stream).
    """

    @abstractmethod
    def put(self, data: bytes) -> str:
        """Store bytes for the current organization; return their SHA-256 key."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Return the bytes stored under ``key``, once their SHA-256 is checked against the key;
        ``KeyError`` when absent, :class:`sdk.files.FileCorrupted` when they no longer match."""

    @abstractmethod
    def verify(self, key: str) -> None:
        """Check that the bytes stored under ``key`` still hash to it, reading them in chunks and
        keeping nothing; ``KeyError`` when absent, :class:`sdk.files.FileCorrupted` otherwise."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored for the current organization."""

    @abstractmethod
    def save(self, source, *, allowed_types: Iterable[str], filename: str | None = None,
             max_bytes: int | None = None) -> StoredFile:
        """Stream an upload (a werkzeug ``FileStorage``, a binary file object or bytes) into the
        current organization's storage and record its size, type and name for the running tool.

        The upload is read in chunks to a temporary file while it is hashed, never whole into
        memory. Its type is sniffed from the content (``filename`` or the upload's own name only
        chooses among text types); it must be one of ``allowed_types``. ``max_bytes`` defaults to
        the limit the view declares with ``@upload_limit`` (or the platform's). Raises
        :class:`sdk.files.FileRefused` (with an HTTP ``status``) and keeps nothing when refused.
        The metadata row is added to the current transaction: commit it with your records.
        """

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A forward-only binary stream of the file stored under ``key``; ``KeyError`` when absent.

        The stream hashes what it reads and raises :class:`sdk.files.FileCorrupted` when a read
        reaches the end with another digest: read to the end to get the check (or call
        :meth:`verify` first). It cannot seek; a library that must (pypdf) gets ``BytesIO(get(key))``."""

    @abstractmethod
    def info(self, key: str) -> StoredFile:
        """What :meth:`save` recorded with ``key`` for the running tool; ``KeyError`` when the
        file was not saved by it in the current organization (or only ``put`` stored it)."""

    @abstractmethod
    def send(self, key: str, *, as_attachment: bool = True, download_name: str | None = None):
        """A Flask response streaming the saved file: its stored content type, its length, a
        ``Content-Disposition`` with the original (or ``download_name``) as a safe RFC 6266
        filename and ``X-Content-Type-Options: nosniff``. Answers 404 for a key that is not the
        running tool's file in the current organization. The file is verified before its first
        byte is sent: a damaged one raises :class:`sdk.files.FileCorrupted` (the host answers 500
        with its message) and is never served."""


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
    """Domain events: how tools tell each other what happened without importing each other."""

    @abstractmethod
    def emit(self, name: str, payload: dict) -> str:
        """Emit a declared event of the current organization; returns its id.

        The event is written in the current transaction and delivered after it commits (never,
        if it rolls back) to the tools serving the organization, and to those of organizations a
        grant lets see the event's record (``docs/sdk/events.md``). Raises
        :class:`sdk.events.EventError` for an undeclared event or a payload that does not match.
        """


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit trail as a tool sees it."""

    at: datetime
    actor: str
    action: str
    changes: dict
    reason: str | None


@dataclass(frozen=True)
class SignatureInfo:
    """A signature as shown with its record (21 CFR 11.50): name, time, meaning, and state."""

    id: int
    printed_name: str
    signer_email: str
    meaning: str
    meaning_label: str
    signed_at: datetime
    content_hash: str
    stale: bool
    bound: bool

    @property
    def manifestation(self) -> str:
        state = " (STALE: the record changed after signing)" if self.stale else ""
        return (f"Signed by {self.printed_name} <{self.signer_email}> on "
                f"{self.signed_at.strftime('%Y-%m-%d %H:%M:%S UTC')}, meaning: {self.meaning_label}{state}")


class AuditTrail(ABC):
    """The platform's append-only, hash-chained audit trail."""

    @abstractmethod
    def record(self, *, tool: str, entity_type: str, entity_id: str, action: str,
               changes: dict | None = None, reason: str | None = None) -> None:
        """Append one entry for the current organization and actor, in the current transaction.

        ``changes`` maps each field to ``[old, new]`` (``[None, value]`` for a fact recorded);
        any other shape raises ``ValueError``, as the trail's pages could not show it."""

    @abstractmethod
    def history(self, *, tool: str, entity_type: str, entity_id: str) -> list[AuditRecord]:
        """Every entry about one record of the current organization, oldest first."""


class Signatures(ABC):
    """Electronic signatures under 21 CFR Part 11 (11.50, 11.70, 11.200)."""

    @abstractmethod
    def sign(self, record, *, meaning: str, password: str, email: str | None = None,
             commit: bool = True) -> SignatureInfo:
        """Re-authenticate the current user and sign ``record`` (an ``@audited`` model); commits.

        The first signing of a session needs ``email`` and ``password``; later signings in the
        same continuous session need the password alone. Raises ``sdk.audit.SignatureError``
        (a refused attempt is recorded and committed on its own, whatever ``commit`` says).
        ``commit=False`` leaves the signature in the current transaction, for a tool whose state
        change *is* the signature (an approval): commit both together, or roll both back.
        """

    @abstractmethod
    def for_record(self, record) -> list[SignatureInfo]:
        """The signatures of ``record``, each marked stale if the record changed since."""


class CommonServices(ABC):
    """What level 1 (:class:`Services`) and level 2 (:class:`sdk.tool.ToolHandle`) offer alike:
    who and where the running code is, and the services that take no tool key."""

    @abstractmethod
    def current_org(self) -> OrgRef | None:
        """The organization of the current request or scope (the one queries are scoped to)."""

    @abstractmethod
    def current_user(self) -> UserRef | None:
        """The signed-in user (or the owner of the API token) of the current request."""

    @abstractmethod
    def db_session(self) -> Session:
        """The request's or job's SQLAlchemy session; tenant tables are scoped automatically."""

    @property
    @abstractmethod
    def storage(self) -> Storage:
        """Content-addressed file storage of the current organization (:class:`Storage`)."""

    @property
    @abstractmethod
    def events(self) -> Events:
        """Domain events through the outbox (:class:`Events`, :mod:`sdk.events`)."""

    @property
    @abstractmethod
    def signatures(self) -> Signatures:
        """Part 11 electronic signatures of records (:class:`Signatures`)."""

    @property
    @abstractmethod
    def notifications(self) -> Notifications:
        """In-app notifications with email (:mod:`sdk.notifications`)."""


class Services(CommonServices):
    """Everything the host offers a tool (SDK API level 1: tool keys passed by hand)."""

    @abstractmethod
    def has_permission(self, tool_key: str, permission: str) -> bool:
        """Whether the current user holds ``permission`` of ``tool_key`` in the current org."""

    @abstractmethod
    def tool_serves(self, tool_key: str) -> bool:
        """Whether ``tool_key`` is installed, licensed and enabled in the current organization,
        so a tool can offer a hand-off to it (the hand-off itself goes through an event)."""

    @abstractmethod
    def settings(self, tool_key: str) -> Settings:
        """The per-organization settings of a tool."""

    @property
    @abstractmethod
    def audit(self) -> AuditTrail:
        """The audit trail; level 1 names the tool in every call (:class:`AuditTrail`)."""


def services() -> Services:
    """The services of the running app."""
    return current_app.extensions[EXTENSION_KEY]
