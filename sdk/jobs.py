"""Background jobs: long work outside the request, its progress shown to whoever started it.

A tool declares its job functions with the ``job_handlers`` hook, ``{kind: function}``, and
starts one through its handle::

    from sdk import hookimpl, tool
    from sdk.jobs import JobFailed, JobResult

    def import_files(progress, *, file_keys):
        # The first line of the function's docstring names the job on its page ("Import files").
        for done, key in enumerate(file_keys):
            progress(done, len(file_keys), f"Reading file {done + 1}")
            ...
        if nothing_usable:
            raise JobFailed("None of the files has a usable row.")   # shown as it is
        return JobResult(summary="Imported 3 sites", link=url_for("mytool.batch", batch_id=7))

    @hookimpl
    def job_handlers():
        return {"import_files": import_files}

    job = tool().jobs.start("import_files", file_keys=[tool().storage.put(data)])
    tool().db_session().commit()          # the job is queued when this transaction commits
    return redirect(job.url)              # the host's progress page

The function runs later (on ``trialoffice worker``, or right after the commit when the
installation runs jobs immediately), in the organization and as the person who started it,
as the tool's own code: ``sdk.tool()``, ``current_user()``, ``can()``, ``url_for`` and the
audit trail behave as in the request. Its parameters are JSON values (ids, storage keys,
strings), never ORM objects. What it writes is committed when it returns and rolled back if it
raises. :class:`JobFailed` carries a message for the person; any other exception is logged for
the operators and the person reads that the job failed unexpectedly.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
STATUSES = ("queued", "running", "succeeded", "failed")
FINISHED = ("succeeded", "failed")
MAX_PARAMS_BYTES = 64 * 1024
MAX_MESSAGE_LENGTH = 500
MAX_SUMMARY_LENGTH = 500
MAX_LINK_LENGTH = 500


class JobFailed(Exception):
    """Raised by a job function: the job fails with this message, shown to the person as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Progress(Protocol):
    """What a job function gets first: report how far it is (``total`` None: unknown)."""

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobResult:
    """What a job function may return: a sentence for the progress page, a link there to what the
    job made (a path inside the app, as ``url_for`` gives it) and JSON data for the API."""

    summary: str = ""
    link: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"summary": self.summary, "link": self.link, "data": dict(self.data)}


@dataclass(frozen=True)
class JobRef:
    """A job as its tool and its person see it. ``url`` is its progress page and ``status_url``
    its JSON status (both None outside a request, e.g. in a CLI command)."""

    id: int
    tool: str
    kind: str
    label: str
    status: str
    done: int
    total: int | None
    message: str
    result: JobResult | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str | None = None
    status_url: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """Whole percent done; None while the total is unknown."""
        if self.status == "succeeded":
            return 100
        if not self.total:
            return None
        return max(0, min(100, self.done * 100 // self.total))

    def as_json(self) -> dict:
        """The job as the host's API answers it (``GET /api/v1/o/<org>/jobs/<id>``)."""
        return {
            "id": self.id, "tool": self.tool, "kind": self.kind, "label": self.label,
            "status": self.status, "done": self.done, "total": self.total, "percent": self.percent,
            "message": self.message, "result": self.result.as_json() if self.result else None,
            "error": self.error, "created_at": _iso(self.created_at), "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at), "url": self.url, "status_url": self.status_url,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class Jobs(ABC):
    """One tool's jobs in the current organization (``sdk.tool().jobs``)."""

    @abstractmethod
    def start(self, kind: str, **params) -> JobRef:
        """Add a job of this tool's ``kind`` for the current organization and person; it is
        queued when the current transaction commits (never if it rolls back). ``params`` are
        JSON values passed to the job function as keyword arguments. Raises ``KeyError`` for a
        kind the tool does not declare and ``TypeError`` for parameters that are not JSON."""

    @abstractmethod
    def get(self, job_id: int) -> JobRef | None:
        """This tool's job ``job_id`` in the current organization; None for any other job."""
