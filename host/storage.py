"""Content-addressed file storage on the local disk, one folder per organization."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sdk.services import Storage


class LocalStorage(Storage):
    def __init__(self, root: str, org_id_getter):
        self.root = Path(root)
        self._org_id = org_id_getter

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise KeyError(key)
        org_id = self._org_id()
        if org_id is None:
            raise RuntimeError("file storage needs an organization in scope")
        return self.root / str(org_id) / key[:2] / key

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

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.exists():
            raise KeyError(key)
        return path.read_bytes()

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except KeyError:
            return False
