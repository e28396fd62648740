"""Per-tool permissions granted to members, from the permissions each tool's manifest declares.

Owners and admins hold every permission implicitly, except those a tool keeps for people given
them by name (``held_by_admins=False``), and a permission marked ``default_for_members`` is held
by every member; only the rest are stored, one row a grant.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from sdk.manifest import Permission, Role

from ..models import MemberPermission, MemberRole, Membership
from .errors import MembershipError


@dataclass(frozen=True)
class ToolPermissions:
    key: str
    name: str
    permissions: tuple[Permission, ...]
    roles: tuple[Role, ...] = ()

    def grantable(self, to_admin: bool = False) -> list[Permission]:
        """What can be ticked for a member; for an owner or admin, only what admins do not hold."""
        if to_admin:
            return [p for p in self.permissions if not p.held_by_admins]
        return [p for p in self.permissions if not p.default_for_members]

    def kept_from_admins(self) -> bool:
        return any(not p.held_by_admins for p in self.permissions)


def declared_permissions(registry) -> list[ToolPermissions]:
    """The available tools that declare permissions, by name."""
    tools = [ToolPermissions(r.key, r.manifest.name, tuple(r.manifest.permissions), tuple(r.manifest.roles))
             for r in registry.available() if r.manifest and r.manifest.permissions]
    return sorted(tools, key=lambda t: t.name.lower())


def granted(session, membership_id: int) -> set[tuple[str, str]]:
    return {(row.tool_key, row.permission) for row in session.scalars(
        select(MemberPermission).where(MemberPermission.membership_id == membership_id))}


def grants_by_member(session, org_id: int) -> dict[int, list[tuple[str, str]]]:
    """Stored grants of every member of ``org_id``, in one query."""
    rows = session.execute(
        select(MemberPermission.membership_id, MemberPermission.tool_key, MemberPermission.permission)
        .join(Membership, Membership.id == MemberPermission.membership_id)
        .where(Membership.org_id == org_id)
        .order_by(MemberPermission.tool_key, MemberPermission.permission)).all()
    grants: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for membership_id, tool_key, permission in rows:
        grants[membership_id].append((tool_key, permission))
    return grants


def parse_choices(values: list[str]) -> set[tuple[str, str]]:
    """Form values ``tool:permission`` as pairs; malformed ones are refused, all named at once."""
    pairs, problems = set(), MembershipError()
    for value in values:
        tool_key, sep, permission = value.partition(":")
        if not sep or not tool_key or not permission:
            problems.add(None, f"'{value}' is not a tool permission.")
        pairs.add((tool_key, permission))
    problems.raise_if_any()
    return pairs


def set_permissions(session, membership: Membership, wanted: set[tuple[str, str]],
                    tools: list[ToolPermissions]) -> tuple[int, int]:
    """Make the member's grants among ``tools`` exactly ``wanted``; returns (added, removed).

    Grants for tools not in ``tools`` (no longer installed) are left as they are.
    """
    grantable = {(t.key, p.key) for t in tools for p in t.grantable(to_admin=membership.is_admin)}
    MembershipError.of(f"'{permission}' is not a permission that can be granted in tool '{tool_key}'."
                       for tool_key, permission in sorted(wanted - grantable)).raise_if_any()
    current = granted(session, membership.id) & grantable
    removed = current - wanted
    if removed:
        for row in session.scalars(select(MemberPermission).where(
                MemberPermission.membership_id == membership.id)):
            if (row.tool_key, row.permission) in removed:
                session.delete(row)
    added = wanted - current
    for tool_key, permission in sorted(added):
        session.add(MemberPermission(org_id=membership.org_id, membership_id=membership.id,
                                     tool_key=tool_key, permission=permission))
    session.flush()
    return len(added), len(removed)


def held_roles(session, membership_id: int) -> set[tuple[str, str]]:
    """The member's organization-wide tool roles (roles limited to a record are set where the
    record is shared: the Sharing page's team of each share)."""
    return {(row.tool_key, row.role_key) for row in session.scalars(
        select(MemberRole).where(MemberRole.membership_id == membership_id, MemberRole.record_type.is_(None)))}


def set_roles(session, membership: Membership, wanted: set[tuple[str, str]],
              tools: list[ToolPermissions]) -> tuple[int, int]:
    """Make the member's organization-wide roles among ``tools`` exactly ``wanted`` (for an owner
    or admin, only the roles of tools that keep permissions from admins mean anything)."""
    known = {(t.key, r.key) for t in tools for r in t.roles if t.kept_from_admins() or not membership.is_admin}
    MembershipError.of(f"'{role}' is not a role of tool '{tool_key}'." for tool_key, role in sorted(wanted - known)
                       ).raise_if_any()
    rows = {(r.tool_key, r.role_key): r for r in session.scalars(select(MemberRole).where(
        MemberRole.membership_id == membership.id, MemberRole.record_type.is_(None)))
        if (r.tool_key, r.role_key) in known}
    for key in set(rows) - wanted:
        session.delete(rows[key])
    for tool_key, role in sorted(wanted - set(rows)):
        session.add(MemberRole(org_id=membership.org_id, membership_id=membership.id, tool_key=tool_key,
                               role_key=role))
    session.flush()
    return len(wanted - set(rows)), len(set(rows) - wanted)
