"""Who of the grantee organization works on a shared record: its admins hold every role of the
grant; other members hold the grant's roles their admins give them here (stored as tool roles
limited to the shared record, and to its site for a site-limited grant)."""
from __future__ import annotations

from sqlalchemy import select

from sdk.sharing import ShareError

from ..members.roles import members_of
from ..models import MemberRole, Membership, ShareGrant


def _scoped(grant: ShareGrant):
    return (MemberRole.tool_key == grant.tool_key, MemberRole.record_type == grant.record_type,
            MemberRole.record_id == grant.record_id,
            MemberRole.site_id.is_(None) if grant.site_id is None else MemberRole.site_id == grant.site_id)


def team(session, grant: ShareGrant) -> list[tuple[Membership, set[str]]]:
    """Each member of the grantee with the grant's roles they hold on it."""
    held: dict[int, set[str]] = {}
    for row in session.scalars(select(MemberRole).where(MemberRole.org_id == grant.grantee_org_id, *_scoped(grant))):
        held.setdefault(row.membership_id, set()).add(row.role_key)
    return [(m, held.get(m.id, set()) & set(grant.roles)) for m in members_of(session, grant.grantee_org_id)]


def parse_assignments(values: list[str]) -> set[tuple[int, str]]:
    """Form values ``<membership id>:<role>``; a malformed one is refused."""
    pairs = set()
    for value in values:
        member, sep, role = value.partition(":")
        if not sep or not member.isdigit() or not role:
            raise ShareError(f"'{value}' is not a member's role.")
        pairs.add((int(member), role))
    return pairs


def set_team(session, grant: ShareGrant, wanted: set[tuple[int, str]]) -> tuple[int, int]:
    """Make the members' roles on the grant exactly ``wanted``; returns (added, removed)."""
    if grant.status != "active":
        raise ShareError("Accept the invitation before you choose who works on it.")
    members = {m.id: m for m, _ in team(session, grant)}
    for membership_id, role in wanted:
        if membership_id not in members:
            raise ShareError("That person is not a member of this organization.")
        if role not in grant.roles:
            raise ShareError(f"'{role}' is not a role of this share.")
    rows = {(r.membership_id, r.role_key): r for r in session.scalars(
        select(MemberRole).where(MemberRole.org_id == grant.grantee_org_id, *_scoped(grant)))}
    for key in set(rows) - wanted:
        session.delete(rows[key])
    for membership_id, role in sorted(wanted - set(rows)):
        session.add(MemberRole(org_id=grant.grantee_org_id, membership_id=membership_id, tool_key=grant.tool_key,
                               role_key=role, record_type=grant.record_type, record_id=grant.record_id,
                               site_id=grant.site_id))
    session.flush()
    return len(wanted - set(rows)), len(set(rows) - wanted)
