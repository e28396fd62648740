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


@dataclass(frozen=True)
class TeamMember:
    """A member of the current organization and the tool's roles they hold on one record."""

    user_id: int
    name: str
    email: str
    #: owner, admin or member of the organization
    org_role: str
    #: roles held on this record only (what :meth:`ToolSharing.set_team` changes)
    roles: tuple[str, ...]
    #: roles held for every record (given on the Members page)
    org_wide_roles: tuple[str, ...]


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

    @abstractmethod
    def team(self, record) -> list[TeamMember]:
        """Who of the current organization holds which of this tool's roles on ``record``, one
        of its own shared records (a study): every member, owners and admins first."""

    @abstractmethod
    def set_team(self, record, roles_by_user: dict[int, list[str]]) -> tuple[int, int]:
        """Make the roles each listed member holds on the organization's own ``record`` exactly
        those given (``{user_id: [role, ...]}``; members not listed keep theirs); returns
        ``(added, removed)``. This is how a tool gives roles per record to its own people, for
        example rtsm's unblinded statistician of one study. Every change is audited; raises
        :class:`ShareError` for an unknown role, a non-member or another organization's record."""

