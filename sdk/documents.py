"""The document service: how any tool files a document into the organization's document tool
(edocs, the eTMF) without importing it.

A tool that produces a document worth keeping in the trial master file (a shipment record, a
casebook PDF, an accepted deliverable) hands it over with one call::

    from sdk import tool

    event_id = tool().documents.file(trial_ref="PROTO-001", artifact="06.01.01",
                                      filename="shipment-17.pdf", data=pdf_bytes,
                                      title="Shipment 17 receipt", level="site", site_ref="SITE-04")

The bytes are kept in the organization's storage and a ``documents.file_requested`` event is
emitted through the outbox; the document tool files them as a new draft after the caller's
transaction commits. When no tool that files documents serves the organization, nothing is
stored or emitted and ``file()`` returns ``None`` (``docs/sdk/documents.md``).
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

#: The event a document tool handles to file a document (declared in :mod:`sdk.events`).
FILE_REQUESTED = "documents.file_requested"
#: The levels of the TMF Reference Model a document is filed at.
LEVELS = ("trial", "country", "site")
#: The largest document ``file()`` accepts, in bytes.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
#: The longest ``trial_ref``, ``site_ref``, ``filename`` and ``title``.
MAX_TEXT = 200
#: A TMF Reference Model artifact number: zone, section, artifact (``06.01.01``).
ARTIFACT = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


class DocumentFilingError(ValueError):
    """``file()`` was called with bad arguments; the message says which. Nothing was stored."""


@dataclass(frozen=True)
class FilingRequest:
    """The checked arguments of one ``file()`` call."""

    trial_ref: str
    artifact: str
    filename: str
    data: bytes
    title: str
    level: str
    site_ref: str | None
    document_date: date | None


def filing_request(*, trial_ref, artifact, filename, data, title=None, level="trial", site_ref=None,
                   document_date=None) -> FilingRequest:
    """The arguments checked, or :class:`DocumentFilingError` naming every one that is wrong."""
    problems = []
    trial_ref = _text(trial_ref, "trial_ref", problems)
    filename = _text(filename, "filename", problems)
    if not isinstance(artifact, str) or not ARTIFACT.match(artifact):
        problems.append(f"artifact must be a TMF Reference Model number such as '06.01.01', not {artifact!r}")
    if level not in LEVELS:
        problems.append(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if site_ref is not None or level == "site":
        site_ref = _text(site_ref, "site_ref (required for level 'site')", problems)
    if title is not None:
        title = _text(title, "title", problems)
    if not isinstance(data, (bytes, bytearray)) or not data:
        problems.append("data must be the document's bytes, not empty")
    elif len(data) > MAX_DOCUMENT_BYTES:
        problems.append(f"data is {len(data)} bytes; at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB can be filed")
    if document_date is not None and not isinstance(document_date, date):
        problems.append(f"document_date must be a date, not {type(document_date).__name__}")
    if problems:
        raise DocumentFilingError("The document cannot be filed: " + "; ".join(problems) + ".")
    return FilingRequest(trial_ref, artifact, filename, bytes(data), title or filename, level, site_ref,
                         document_date)


def _text(value, name: str, problems: list[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{name} must be a non-empty text")
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        problems.append(f"{name} is {len(value)} characters; at most {MAX_TEXT}")
    return value


class Documents(ABC):
    """Filing documents into the organization's document tool (edocs) without importing it."""

    @abstractmethod
    def file(self, *, trial_ref: str, artifact: str, filename: str, data: bytes, title: str | None = None,
             level: str = "trial", site_ref: str | None = None, document_date: date | None = None) -> str | None:
        """Hand a document to the organization's document tool, to be filed as a new draft into the
        binder of the study whose protocol is ``trial_ref``, at TMF artifact ``artifact``
        ("06.01.01"), at ``level`` (trial, country or site; ``site_ref`` required for site).

        Returns the event id when a tool that files documents serves the current organization;
        ``None`` when none does (edocs not enabled): then nothing is stored and nothing is emitted
        (no harm). Filing happens after the caller's transaction commits (through the outbox), so
        a binder that does not exist is the document tool's concern (it records a refusal), not
        the caller's. Bad arguments raise :class:`DocumentFilingError` and store nothing."""
