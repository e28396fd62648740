"""Reading a stored file back against its key: the bytes must still hash to the SHA-256 they were
stored under, or :class:`sdk.files.FileCorrupted` is raised instead of handing them out."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from sdk.files import FileCorrupted

CHUNK_BYTES = 64 * 1024


def read_verified(path: Path, key: str, org_id: int | None) -> bytes:
    """The whole file, once its digest is checked."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != key:
        raise FileCorrupted(key, org_id)
    return data


def check_digest(path: Path, key: str, org_id: int | None) -> None:
    """Hash the file in chunks (nothing kept in memory) and compare with its key."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    if digest.hexdigest() != key:
        raise FileCorrupted(key, org_id)


class _HashingRaw(io.RawIOBase):
    """A forward-only raw stream that hashes what it reads and checks the digest at the end.

    The check runs when a read finds the end of the file, so only a caller that reads to the end
    gets it; seeking would break the digest and is not offered."""

    def __init__(self, raw, key: str, org_id: int | None):
        self._raw, self._key, self._org_id = raw, key, org_id
        self._digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        if count:
            self._digest.update(memoryview(buffer)[:count])
        elif count == 0 and len(buffer) and self._digest.hexdigest() != self._key:
            raise FileCorrupted(self._key, self._org_id)
        return count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def verifying_reader(path: Path, key: str, org_id: int | None) -> io.BufferedReader:
    """A buffered binary stream of ``path`` that raises FileCorrupted at its end on a mismatch."""
    return io.BufferedReader(_HashingRaw(path.open("rb", buffering=0), key, org_id), CHUNK_BYTES)
