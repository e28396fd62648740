"""The life of a grant: invited by the owner, accepted or declined by the grantee's admins,
re-scoped or revoked by the owner (or given up by the grantee). Every step is audited (the
grant row is ``@audited``) and the other side is notified."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from sdk.models import utcnow
from sdk.notifications import declare_kind
from sdk.sharing import GrantInfo, ShareError

from ..models import MemberRole, Organization, ShareGrant, User
from ..notifications.service import app_path, deliver, org_admins

SHARE_INVITATION = declare_kind("share_invitation", "Records shared with your organization",
                                "Another organization invites yours to work on one of its records.")
SHARE_ANSWERED = declare_kind("share_answered", "Answers to your share invitations",
                              "An organization accepted, declined or gave up a record you shared.")
OPEN_STATUSES = ("pending", "active")


def _manifest(tool_key: str):
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    if manifest is None:
        raise ShareError(f"Tool {tool_key!r} is not installed.")
    return manifest


def checked_roles(tool_key: str, roles) -> tuple[list[str], bool]:
    """The roles, validated against the tool's manifest, and whether any of them writes."""
    manifest = _manifest(tool_key)
    wanted = sorted({str(r) for r in roles or ()})
    if not wanted:
        raise ShareError("Choose at least one role for the organization you share with.")
    unknown = [r for r in wanted if manifest.role(r) is None]
    if unknown:
        known = ", ".join(r.key for r in manifest.roles) or "none"
        raise ShareError(f"{manifest.name} has no role {', '.join(unknown)} (its roles: {known}).")
    return wanted, any(not manifest.role(r).read_only for r in wanted)


def invite(session, *, owner: Organization, grantee_slug: str, tool_key: str, record_type: str,
           record_id: int, record_label: str, roles, site_id: int | None = None,
           site_label: str | None = None, message: str | None = None, by: User | None = None) -> ShareGrant:
    grantee = session.scalar(select(Organization).where(Organization.slug == str(grantee_slug).strip().lower()))
    if grantee is None:
        raise ShareError(f"There is no organization {grantee_slug!r} on Trial Office.")
    if grantee.id == owner.id:
        raise ShareError("An organization cannot share a record with itself.")
    role_keys, writable = checked_roles(tool_key, roles)
    existing = session.scalar(select(ShareGrant).where(
        ShareGrant.owner_org_id == owner.id, ShareGrant.grantee_org_id == grantee.id,
        ShareGrant.record_type == record_type, ShareGrant.record_id == record_id,
        ShareGrant.site_id.is_(None) if site_id is None else ShareGrant.site_id == site_id,
        ShareGrant.status.in_(OPEN_STATUSES)))
    if existing is not None:
        raise ShareError(f"{record_label} is already shared with {grantee.name} ({existing.status}); "
                         "change or revoke that share instead.")
    grant = ShareGrant(owner_org_id=owner.id, grantee_org_id=grantee.id, tool_key=tool_key,
                       record_type=record_type, record_id=record_id, record_label=record_label[:200],
                       site_id=site_id, site_label=(site_label or (f"site {site_id}" if site_id else None)),
                       roles=role_keys, writable=writable, status="pending",
                       message=(message or "").strip()[:2000] or None, invited_by_id=by.id if by else None,
                       invited_at=utcnow())
    session.add(grant)
    session.flush()
    who = by.name if by else owner.name
    deliver(session, org_admins(session, grantee.id), org=grantee, kind=SHARE_INVITATION.key,
            subject=f"{owner.name} shares {grant.scope_label} with {grantee.name}",
            body=(f"{who} of {owner.name} invites {grantee.name} to work on {grant.scope_label} in "
                  f"{_manifest(tool_key).name} as {role_labels(grant)}. An admin of {grantee.name} "
                  "can accept or decline on the Sharing page." + (f"\n\n{grant.message}" if grant.message else "")),
            link=app_path("sharing.index", org=grantee.slug), dedupe_key=f"share:{grant.id}")
    return grant


def accept(session, grant: ShareGrant, by: User) -> None:
    _answer(session, grant, by, "active", "accepted")


def decline(session, grant: ShareGrant, by: User) -> None:
    _answer(session, grant, by, "declined", "declined")


def _answer(session, grant: ShareGrant, by: User, status: str, verb: str) -> None:
    if grant.status != "pending":
        raise ShareError(f"This invitation was already {grant.status}.")
    grant.status, grant.decided_by_id, grant.decided_at = status, by.id, utcnow()
    _tell_owner(session, grant, f"{grant.grantee.name} {verb} {grant.scope_label}",
                f"{by.name} of {grant.grantee.name} {verb} your share of {grant.scope_label}.")


def change_roles(session, grant: ShareGrant, roles) -> None:
    if grant.status not in OPEN_STATUSES:
        raise ShareError(f"This share was {grant.status}; share the record again instead.")
    grant.roles, grant.writable = checked_roles(grant.tool_key, roles)


def end(session, grant: ShareGrant, by: User | None, *, by_grantee: bool) -> None:
    """Revoke (owner) or give up (grantee) a pending or active grant; access ends at once.
    ``by`` is None when a tool's job or command revokes (the audit trail names the actor)."""
    if grant.status not in OPEN_STATUSES:
        raise ShareError(f"This share was already {grant.status}.")
    grant.status, grant.ended_by_id, grant.ended_at = "revoked", by.id if by else None, utcnow()
    _forget_team(session, grant)
    if by_grantee:
        who = by.name if by else "Someone"
        _tell_owner(session, grant, f"{grant.grantee.name} gave up {grant.scope_label}",
                    f"{who} of {grant.grantee.name} ended their access to {grant.scope_label}.")


def _forget_team(session, grant: ShareGrant) -> None:
    """The grantee's members lose the roles they held on the share (a later share starts afresh)."""
    for role in session.scalars(select(MemberRole).where(
            MemberRole.org_id == grant.grantee_org_id, MemberRole.tool_key == grant.tool_key,
            MemberRole.record_type == grant.record_type, MemberRole.record_id == grant.record_id,
            MemberRole.site_id.is_(None) if grant.site_id is None else MemberRole.site_id == grant.site_id)):
        session.delete(role)


def _tell_owner(session, grant: ShareGrant, subject: str, body: str) -> None:
    owner = grant.owner
    recipients = [grant.invited_by] if grant.invited_by is not None else org_admins(session, owner.id)
    deliver(session, recipients, org=owner, kind=SHARE_ANSWERED.key, subject=subject, body=body,
            link=app_path("sharing.index", org=owner.slug))


def role_labels(grant: ShareGrant) -> str:
    """The grant's roles as its tool names them (their keys when the tool is gone)."""
    manifest = current_app.extensions["trialoffice.registry"].manifest(grant.tool_key)
    roles = [manifest.role(r) if manifest else None for r in grant.roles]
    return ", ".join(role.label if role else key for role, key in zip(roles, grant.roles))


def info(grant: ShareGrant) -> GrantInfo:
    return GrantInfo(id=grant.id, owner_org=grant.owner.slug, grantee_org=grant.grantee.slug,
                     record_type=grant.record_type, record_id=grant.record_id, record_label=grant.record_label,
                     site_id=grant.site_id, site_label=grant.site_label, roles=tuple(grant.roles),
                     writable=grant.writable, status=grant.status, invited_at=grant.invited_at)
