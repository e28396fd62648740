"""Files a tool keeps: what the storage service records with each, and why it refuses one.

A tool saves an upload through the storage service and gets a :class:`StoredFile` back::

    from sdk import tool
    from sdk.files import FileRefused

    try:
        stored = tool().storage.save(request.files["file"], allowed_types=("application/pdf",),
                                     max_bytes=10 * 1024 * 1024)
    except FileRefused as exc:
        abort(exc.status, str(exc))
    ...
    return tool().storage.send(stored.key)   # the download, with the stored headers

The content type is decided by the bytes, never by the name or the browser's claim: a file named
``report.pdf`` that is not a PDF is refused. Text types (``text/plain``, ``text/csv``) have no
signature; a file is text when it decodes as UTF-8 and holds no NUL byte, and the name's extension
then chooses among the allowed text types (``docs/sdk/files.md``).

Every read-back is checked against the key (the SHA-256 the file was stored under): a file
damaged on disk raises :class:`FileCorrupted` instead of handing out wrong bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Text types accepted by the UTF-8 rule instead of a signature.
TEXT_TYPES = ("text/plain", "text/csv")


@dataclass(frozen=True)
class StoredFile:
    """A file of the current organization: its content key and what was recorded with it."""

    key: str
    size: int
    content_type: str
    original_name: str
    tool_key: str
    created_at: datetime
    created_by: int | None = None


class FileRefused(ValueError):
    """The storage service did not keep a file: its content is not of an allowed type (415), it
    is larger than the limit (413) or empty (422). ``status`` is the HTTP status to answer with;
    the message says why and can be shown to the person as it is."""

    def __init__(self, message: str, status: int = 415):
        super().__init__(message)
        self.status = status


class FileCorrupted(RuntimeError):
    """The bytes stored under ``key`` no longer hash to it: the file was damaged after it was kept.

    The storage service raises it from ``get``, ``verify``, ``send`` (before any byte is sent) and
    at the end of a stream from ``open``. It is the server's own data that is damaged, so the host
    answers 500 with this message and logs it with the organization and key."""

    def __init__(self, key: str, org_id: int | None = None):
        super().__init__(f"The stored file {key[:12]}… no longer matches its SHA-256; it was not read.")
        self.key = key
        self.org_id = org_id
