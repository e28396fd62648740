"""SDK API level 2: the handle bound to the tool whose code is running.

A level-2 tool reaches the host through :func:`tool` instead of :func:`sdk.services`::

    from sdk import tool
    tool().settings.get("shortlist_size")        # this tool's settings only
    tool().audit.record(entity_type="shortlist", entity_id="7", action="export")
    if tool().can("manage_shortlists"): ...

The handle carries the tool's key; the tool never passes one. The host knows which tool's code
runs: its request (the gate), its hook or event handler (the dispatcher), its CLI command. So a
tool reads only its own settings (secrets included), writes audit entries only as itself and
checks only its own permissions. Code that runs outside any tool (or a test calling a tool's
service directly without ``support.running_tool(key)``) gets :class:`ToolContextError`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context

from .documents import Documents
from .jobs import Jobs
from .services import EXTENSION_KEY, AuditRecord, CommonServices, Settings
from .sharing import ToolSharing
from .vault import Vault

_running_tool: ContextVar[str | None] = ContextVar("trialoffice_running_tool", default=None)


class ToolContextError(RuntimeError):
    """``tool()`` was called where no tool's code is running."""


class ToolAudit(ABC):
    """The audit trail as one tool writes and reads it: every entry names that tool."""

    @abstractmethod
    def record(self, *, entity_type: str, entity_id: str, action: str, changes: dict | None = None,
               reason: str | None = None) -> None:
        """Append one entry for the current organization and actor, in the current transaction.

        ``changes`` maps each field to ``[old, new]`` (``[None, value]`` for a fact recorded);
        any other shape raises ``ValueError``, as the trail's pages could not show it."""

    @abstractmethod
    def history(self, *, entity_type: str, entity_id: str) -> list[AuditRecord]:
        """Every entry of this tool about one record, oldest first: the current organization's
        own, or, for a record another organization shared with it under a grant that covers the
        record, the owner's entries about it (the owner's chain holds them). A record of another
        organization that no active grant covers has no history here."""

    @abstractmethod
    def history_many(self, entity_type: str, entity_ids: Iterable[str | int]) -> dict:
        """:meth:`history` of many records of one type at once (one query for the entries):
        ``{entity_id: [entries]}`` keyed by the ids as given, an empty list for a record without
        entries."""


class ToolHandle(CommonServices):
    """What the host offers one tool, bound to its key (``current_org()``, ``current_user()``,
    ``db_session()``, ``storage``, ``events``, ``signatures`` and ``notifications`` as in
    :class:`sdk.services.CommonServices`)."""

    key: str

    @abstractmethod
    def can(self, permission: str, record=None) -> bool:
        """Whether the current user holds this tool's ``permission``: on ``record`` (the current
        organization's own, or one shared with it), or, without a record, anywhere.

        An undeclared permission raises :class:`ValueError` instead of answering False. The one
        check for gate, views, API and services alike (:mod:`host.permissions` explains the rules).
        """

    @abstractmethod
    def serves(self, other_key: str) -> bool:
        """Whether another tool is installed, licensed and enabled in the current organization,
        so this one can offer a hand-off to it (the hand-off itself goes through an event)."""

    @property
    @abstractmethod
    def settings(self) -> Settings:
        """This tool's settings for the current organization."""

    @property
    @abstractmethod
    def audit(self) -> ToolAudit:
        """The audit trail, written and read as this tool (:class:`ToolAudit`)."""

    @property
    @abstractmethod
    def jobs(self) -> Jobs:
        """This tool's background jobs in the current organization (:mod:`sdk.jobs`)."""

    @property
    @abstractmethod
    def sharing(self) -> ToolSharing:
        """This tool's grants of its records to other organizations (:mod:`sdk.sharing`)."""

    @property
    @abstractmethod
    def vault(self) -> Vault:
        """Encryption at rest with this tool's own key (:mod:`sdk.vault`)."""

    @property
    @abstractmethod
    def documents(self) -> Documents:
        """Filing documents into the organization's document tool (edocs) as this tool, without
        importing it; does nothing when no such tool serves the organization (:mod:`sdk.documents`)."""


def running_tool_key() -> str | None:
    """The key of the tool whose code the host is running now, if any."""
    key = _running_tool.get()
    if key is None and has_request_context():
        key = g.get("tool_key")
    return key


def tool() -> ToolHandle:
    """The handle of the tool whose code is running (SDK API level 2)."""
    key = running_tool_key()
    if key is None:
        raise ToolContextError("sdk.tool() needs a tool's request, hook, event handler or command; "
                               "in tests wrap the call in support.running_tool(key)")
    return current_app.extensions[EXTENSION_KEY].handle_for(key)


@contextmanager
def host_runs_tool(key: str):
    """For the host (and the test harness) only: run the block as tool ``key``'s code."""
    token = _running_tool.set(key)
    try:
        yield
    finally:
        _running_tool.reset(token)
