"""``can(permission, record)``: the one check the gate, views, API and services use.

On its own organization's records a member holds a permission when they are an owner or admin
(unless the tool keeps it for named people: ``held_by_admins=False``), when the tool gives it to every member, when it was granted to them, or when a tool role they
hold (for the whole organization, or for the record's shared record and site) includes it.

On a record another organization shared, the roles come from the grants covering the record:
owners and admins of the grantee hold all of them, other members those of them they were also
given (Members page). Without a record the question is "anywhere": the gate asks it before the
view, which then asks again about the record it works on.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from sdk.tenancy import current_org_id, sharing_of
from sdk.tenancy.grant_lookup import column_value, granting_owner

from .access_cache import cached as _cached
from .db import db_session
from .models import MemberPermission, MemberRole, Membership, ShareGrant
from .sharing.reach import active_grants


class UnknownPermissionError(ValueError):
    """A permission name the tool never declared (a typo fails loudly instead of denying)."""


@dataclass(frozen=True)
class RecordScope:
    org_id: int
    record_type: str | None
    record_id: int | None
    site_id: int | None
    #: Whether the record's model has a site column; without one (a study, its schedule) a grant
    #: or role limited to a site covers it too, exactly as :mod:`sdk.tenancy.sharing` shows it.
    has_site: bool = False


def record_scope(record) -> RecordScope:
    """Where a record lives; a new one not yet flushed is placed as the flush will stamp it."""
    org_id = record.org_id
    if org_id is None:
        org_id = granting_owner(db_session(), record, current_org_id(), writable=False) or current_org_id()
    sharing = sharing_of(type(record))
    if sharing is None:
        return RecordScope(org_id, None, None, None)
    site_id = column_value(record, sharing.site) if sharing.site else None
    return RecordScope(org_id, sharing.record_type, column_value(record, sharing.via), site_id,
                       has_site=sharing.site is not None)


def _covers(record_type, record_id, site_id, scope: RecordScope | None) -> bool:
    """Whether an assignment or grant limited to (record, site) applies to ``scope``."""
    if record_type is None or scope is None:
        return True
    if (record_type, record_id) != (scope.record_type, scope.record_id):
        return False
    return site_id is None or not scope.has_site or site_id == scope.site_id


def has_tool_permission(membership: Membership | None, tool_key: str, permission: str, record=None) -> bool:
    if membership is None:
        return False
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    declared = {p.key: p for p in manifest.permissions} if manifest else {}
    if permission not in declared:
        raise UnknownPermissionError(f"tool {tool_key!r} declares no permission {permission!r}")
    scope = record_scope(record) if record is not None else None
    if scope is None or scope.org_id == membership.org_id:
        if _holds_in_own_org(membership, tool_key, declared[permission], scope, manifest):
            return True
        if scope is not None:
            return False
    return _holds_through_grants(membership, tool_key, declared[permission], scope, manifest)


def _holds_in_own_org(membership, tool_key, permission, scope, manifest) -> bool:
    if (membership.is_admin and permission.held_by_admins) or permission.default_for_members:
        return True
    if (tool_key, permission.key) in _cached(membership, "permissions", _stored_permissions):
        return True
    return any(permission.key in _role_permissions(manifest, role.role_key)
               for role in _cached(membership, "roles", _member_roles)
               if role.tool_key == tool_key and _covers(role.record_type, role.record_id, role.site_id, scope))


def _holds_through_grants(membership, tool_key, permission, scope, manifest) -> bool:
    roles: set[str] = set()
    for grant in _cached(membership, f"grants:{tool_key}", lambda m: active_grants(db_session(), m.org_id, tool_key)):
        if scope is not None and (grant.owner_org_id != scope.org_id or not _covers(
                grant.record_type, grant.record_id, grant.site_id, scope)):
            continue
        if membership.is_admin and permission.held_by_admins:
            roles |= set(grant.roles)
        else:
            held = {r.role_key for r in _cached(membership, "roles", _member_roles)
                    if r.tool_key == tool_key and _grant_scope_matches(r, grant)}
            roles |= set(grant.roles) & held
    return any(permission.key in _role_permissions(manifest, role) for role in roles)


def _grant_scope_matches(role: MemberRole, grant: ShareGrant) -> bool:
    """A member's role counts on a grant when it is unlimited or limited to that record (and site)."""
    if role.record_type is None:
        return True
    return ((role.record_type, role.record_id) == (grant.record_type, grant.record_id)
            and (role.site_id is None or role.site_id == grant.site_id or grant.site_id is None))


def _role_permissions(manifest, role_key: str) -> tuple[str, ...]:
    role = manifest.role(role_key)
    return role.permissions if role else ()  # a role the tool no longer declares grants nothing


def _stored_permissions(membership) -> set[tuple[str, str]]:
    return {(row.tool_key, row.permission) for row in db_session().scalars(
        select(MemberPermission).where(MemberPermission.membership_id == membership.id))}


def _member_roles(membership) -> list[MemberRole]:
    return list(db_session().scalars(select(MemberRole).where(MemberRole.membership_id == membership.id)))
