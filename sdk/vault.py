"""Encryption at rest for a tool's secrets: ``tool().vault``.

Some records must be kept from anyone who reads the database, not only from other
organizations: a randomization list (allocation concealment), a code-break key. A tool seals
such bytes before storing them and unseals them when it needs them::

    token = tool().vault.seal(json.dumps(entries).encode())   # str, store it in a Text column
    entries = json.loads(tool().vault.unseal(token))

Each tool has its own key, derived from the installation's vault key (``TRIALOFFICE_VAULT_KEY``,
else one generated once in the instance folder, kept apart from the session secret so that
rotating that secret never makes sealed data unreadable). A token sealed by one tool cannot be
unsealed by another. Tokens are authenticated (Fernet: AES-128-CBC with HMAC-SHA256), so a
changed token is refused rather than decrypted to garbage.
"""
from __future__ import annotations

from abc import ABC, abstractmethod


class VaultError(ValueError):
    """A token that this tool's key did not seal, or that was changed since."""


class Vault(ABC):
    """Seal and unseal bytes with the running tool's key."""

    @abstractmethod
    def seal(self, data: bytes) -> str:
        """``data`` encrypted and authenticated with this tool's key, as ASCII text."""

    @abstractmethod
    def unseal(self, token: str) -> bytes:
        """The bytes sealed in ``token``; :class:`VaultError` if this tool did not seal it or it
        was changed."""
