"""The host's :class:`sdk.vault.Vault`: Fernet with a key per tool, derived by HKDF from the
installation's vault key (``VAULT_KEY``)."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from sdk.vault import Vault, VaultError


def tool_key_bytes(master: str, tool_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"trialoffice vault",
                   info=f"tool:{tool_key}".encode()).derive(master.encode())
    return base64.urlsafe_b64encode(derived)


class HostVault(Vault):
    def __init__(self, tool_key: str):
        self._tool_key = tool_key
        self._fernet: tuple[str, Fernet] | None = None

    def _cipher(self) -> Fernet:
        master = current_app.config["VAULT_KEY"]
        if self._fernet is None or self._fernet[0] != master:
            self._fernet = (master, Fernet(tool_key_bytes(master, self._tool_key)))
        return self._fernet[1]

    def seal(self, data: bytes) -> str:
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"vault.seal() takes bytes, not {type(data).__name__}")
        return self._cipher().encrypt(bytes(data)).decode("ascii")

    def unseal(self, token: str) -> bytes:
        try:
            return self._cipher().decrypt(token.encode("ascii") if isinstance(token, str) else token)
        except (InvalidToken, UnicodeEncodeError, TypeError, ValueError):
            raise VaultError(f"this token was not sealed by the tool {self._tool_key!r}, "
                             "or it was changed since") from None
