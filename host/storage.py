"""Content-addressed file storage on the local disk, one folder per organization.

Bare bytes (``put``/``get``) and files with what the service knows of them (``save``/``info``/
``open``/``send``, recorded in ``stored_file`` for the tool that saved them) share one copy on
disk per organization and SHA-256 digest. Every read-back checks the bytes against their key
(:mod:`host.files.verify`): a damaged file raises :class:`sdk.files.FileCorrupted`, never is
handed out. :mod:`host.files` does the intake, sniffing and download response.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import abort, current_app, has_request_context, request
from sqlalchemy import select

from sdk.files import StoredFile
from sdk.services import EXTENSION_KEY, Storage
from sdk.tool import running_tool_key

from .db import db_session
from .files.download import file_response
from .files.intake import clean_name, receive
from .files.models import StoredFileRecord
from .files.sniff import content_type_of
from .files.verify import check_digest, read_verified, verifying_reader

#: Where uploads wait, inside the organization's folder (one file system, so keeping is a rename).
INCOMING = ".incoming"


class LocalStorage(Storage):
    def __init__(self, root: str, org_id_getter):
        self.root = Path(root)
        self._org_id = org_id_getter

    def _org_folder(self) -> Path:
        org_id = self._org_id()
        if org_id is None:
            raise RuntimeError("file storage needs an organization in scope")
        return self.root / str(org_id)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise KeyError(key)
        return self._org_folder() / key[:2] / key

    def _keep(self, staged: Path, key: str) -> None:
        """Move a staged file to its key's place, or drop it when those bytes are there already."""
        path = self._path(key)
        if path.exists():
            staged.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, path)

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        return key

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        return path

    def get(self, key: str) -> bytes:
        return read_verified(self._existing(key), key, self._org_id())

    def verify(self, key: str) -> None:
        check_digest(self._existing(key), key, self._org_id())

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except KeyError:
            return False

    def save(self, source, *, allowed_types, filename=None, max_bytes=None) -> StoredFile:
        allowed = tuple(allowed_types)
        if not allowed:
            raise ValueError("save() needs the content types the tool accepts (allowed_types)")
        name = clean_name(filename or getattr(source, "filename", None))
        limit = max_bytes if max_bytes is not None else _declared_limit()
        intake = receive(source, self._org_folder() / INCOMING, limit)
        try:
            content_type = content_type_of(intake.head, intake.is_text, name, allowed)
            self._keep(intake.path, intake.sha256)
        finally:
            intake.path.unlink(missing_ok=True)
        return _record(intake.sha256, intake.size, content_type, name)

    def open(self, key: str):
        path = self._path(key)
        try:
            return verifying_reader(path, key, self._org_id())
        except FileNotFoundError:
            raise KeyError(key) from None

    def info(self, key: str) -> StoredFile:
        self._path(key)  # a malformed key, or no organization in scope, fails as for get()
        row = _row(key, running_tool_key())
        if row is None:
            raise KeyError(key)
        return row.as_stored_file()

    def send(self, key: str, *, as_attachment: bool = True, download_name: str | None = None):
        try:
            stored = self.info(key)
        except KeyError:
            abort(404)
        path = self._path(key)
        if not path.exists():
            abort(404)
        self.verify(key)  # before the first byte: a damaged file is never served
        return file_response(path, stored, as_attachment=as_attachment, download_name=download_name)


def _declared_limit() -> int | None:
    """The running view's ``@upload_limit`` (set on the request by the host), else the platform's."""
    if has_request_context():
        return request.max_content_length
    return current_app.config.get("MAX_CONTENT_LENGTH")


def _row(key: str, tool_key: str | None) -> StoredFileRecord | None:
    """``tool_key``'s row for ``key`` in the current organization (the session scopes it);
    ``None`` reads any tool's (the host's code, which runs as no tool)."""
    query = select(StoredFileRecord).where(StoredFileRecord.sha256 == key).order_by(StoredFileRecord.id)
    if tool_key is not None:
        query = query.where(StoredFileRecord.tool_key == tool_key)
    return db_session().scalars(query.limit(1)).first()


def _record(key: str, size: int, content_type: str, name: str) -> StoredFile:
    """The row for the running tool, added to the current transaction (the first one kept)."""
    tool_key = running_tool_key() or "host"
    existing = _row(key, tool_key)
    if existing is not None:
        return existing.as_stored_file()
    user = current_app.extensions[EXTENSION_KEY].current_user()
    row = StoredFileRecord(tool_key=tool_key, sha256=key, size=size,
                           content_type=content_type, original_name=name,
                           created_by=user.id if user else None)
    session = db_session()
    session.add(row)
    session.flush()
    return row.as_stored_file()
