"""Roles on one of the organization's own shared records (a study): which of its members hold
which of the tool's roles there, as member roles limited to the record. Grantee organizations
choose theirs per grant (:mod:`host.sharing.team`); this is the owner's side of the same rows."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import inspect, select

from sdk.sharing import ShareError, TeamMember
from sdk.tenancy import current_org_id, sharing_of

from ..members.roles import members_of
from ..models import MemberRole, Membership, User


def _shared_record(tool_key: str, record) -> tuple[str, int]:
    sharing = sharing_of(type(record))
    if sharing is None or sharing.via != inspect(record).mapper.primary_key[0].key:
        raise ShareError(f"{type(record).__name__} is not a shared record (a study, a project)")
    if sharing.tool_key != tool_key:
        raise ShareError(f"{type(record).__name__} belongs to tool {sharing.tool_key!r}, not {tool_key!r}")
    if record.org_id != current_org_id():
        raise ShareError("Only the organization that owns a record chooses its team here.")
    return sharing.record_type, record.id


def _rows(session, org_id: int, tool_key: str, record_type: str | None, record_id: int | None):
    return session.scalars(select(MemberRole).where(
        MemberRole.org_id == org_id, MemberRole.tool_key == tool_key,
        MemberRole.record_type.is_(None) if record_type is None else MemberRole.record_type == record_type,
        MemberRole.record_id.is_(None) if record_id is None else MemberRole.record_id == record_id,
        MemberRole.site_id.is_(None)))


def own_team(session, tool_key: str, record) -> list[TeamMember]:
    record_type, record_id = _shared_record(tool_key, record)
    org_id = current_org_id()
    on_record: dict[int, set[str]] = {}
    for row in _rows(session, org_id, tool_key, record_type, record_id):
        on_record.setdefault(row.membership_id, set()).add(row.role_key)
    org_wide: dict[int, set[str]] = {}
    for row in _rows(session, org_id, tool_key, None, None):
        org_wide.setdefault(row.membership_id, set()).add(row.role_key)
    members = members_of(session, org_id)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([m.user_id for m in members])))}
    return [TeamMember(m.user_id, users[m.user_id].name, users[m.user_id].email, m.role,
                       tuple(sorted(on_record.get(m.id, ()))), tuple(sorted(org_wide.get(m.id, ()))))
            for m in members]


def set_own_team(session, tool_key: str, record, roles_by_user: dict[int, list[str]]) -> tuple[int, int]:
    record_type, record_id = _shared_record(tool_key, record)
    org_id = current_org_id()
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    declared = {role.key for role in manifest.roles} if manifest else set()
    memberships = {m.user_id: m for m in session.scalars(select(Membership).where(Membership.org_id == org_id))}
    problems = []
    for user_id, roles in roles_by_user.items():
        if user_id not in memberships:
            problems.append("That person is not a member of this organization.")
        problems += [f"'{role}' is not a role of tool '{tool_key}'." for role in roles if role not in declared]
    if problems:
        raise ShareError(" ".join(dict.fromkeys(problems)))
    wanted = {(memberships[user_id].id, role) for user_id, roles in roles_by_user.items() for role in roles}
    listed = {memberships[user_id].id for user_id in roles_by_user}
    rows = {(r.membership_id, r.role_key): r for r in _rows(session, org_id, tool_key, record_type, record_id)
            if r.membership_id in listed}
    for key in set(rows) - wanted:
        session.delete(rows[key])
    for membership_id, role in sorted(wanted - set(rows)):
        session.add(MemberRole(org_id=org_id, membership_id=membership_id, tool_key=tool_key, role_key=role,
                               record_type=record_type, record_id=record_id))
    session.flush()
    return len(wanted - set(rows)), len(set(rows) - wanted)
