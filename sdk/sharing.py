"""Sharing a tool's record with another organization (SDK API level 2: ``tool().sharing``).

The owner shares one record of a model marked ``__sharing__ = Sharing("<tool>.<record>")``
(a study, a project), optionally only one of its sites, under roles its manifest declares::

    grant = tool().sharing.share(study, with_org="northside-site", roles=["site_coordinator"],
                                 site_id=site.id, site_label=site.name)

The grantee organization's admins accept or decline the invitation (they are notified, and
the host's Sharing page lists it). While the grant is active, the record and its children are
visible to the grantee as :mod:`sdk.tenancy.sharing` describes, the owner's license covers the
grantee's use of the tool for it, and ``tool().can(permission, record)`` answers from the
grant's roles. Revoking ends all of that at once. Every step is audited.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime


class ShareError(ValueError):
    """A share that cannot be made or changed; the message says why, for the user."""


@dataclass(frozen=True)
class GrantInfo:
    id: int
    owner_org: str
    grantee_org: str
    record_type: str
    record_id: int
    record_label: str
    site_id: int | None
    site_label: str | None
    roles: tuple[str, ...]
    writable: bool
    status: str
    invited_at: datetime


class ToolSharing(ABC):
    """One tool's grants of its records."""

    @abstractmethod
    def share(self, record, *, with_org: str, roles: list[str], site_id: int | None = None,
              site_label: str | None = None, label: str | None = None,
              message: str | None = None) -> GrantInfo:
        """Invite organization ``with_org`` (its slug) to ``record`` under ``roles``.

        ``record`` is a row of the current organization whose model is the shared record itself
        (``Sharing(..., via="id")``). Raises :class:`ShareError` for an unknown organization or
        role, a record of another organization, or a share that already exists.
        """

    @abstractmethod
    def grants_of(self, record) -> list[GrantInfo]:
        """The pending and active grants of ``record`` (the owner's view)."""

    @abstractmethod
    def received(self) -> list[GrantInfo]:
        """The active grants of this tool that the current organization holds."""

    @abstractmethod
    def revoke(self, grant_id: int) -> None:
        """End one of the current organization's grants of this tool; access ends at once."""
