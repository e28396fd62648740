"""Who belongs to an organization and with which role; the owner rules live here.

Only owners grant or take away the owner role, and an organization always keeps one owner.
The owner rows are locked while counted, so two owners demoting each other at the same moment
cannot both succeed (PostgreSQL; SQLite serializes writers anyway).
"""
from __future__ import annotations

from sqlalchemy import case, select

from sdk.models import utcnow

from ..models import ROLES, ApiToken, MemberPermission, Membership, User
from .errors import LastOwner, MembershipError, NotAllowed

ROLE_LABELS = {"owner": "Owner", "admin": "Admin", "member": "Member"}


def members_of(session, org_id: int) -> list[Membership]:
    rank = case({role: i for i, role in enumerate(ROLES)}, value=Membership.role, else_=len(ROLES))
    return list(session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id).order_by(rank, User.name, User.id)))


def membership_in(session, org_id: int, membership_id: int) -> Membership | None:
    """The membership with this id if it belongs to ``org_id`` (never another organization's)."""
    return session.scalar(select(Membership).where(Membership.id == membership_id,
                                                   Membership.org_id == org_id))


def _other_owners(session, target: Membership) -> int:
    ids = session.scalars(
        select(Membership.id).where(Membership.org_id == target.org_id, Membership.role == "owner",
                                    Membership.id != target.id)
        .with_for_update()).all()
    return len(ids)


def _check_owner_change(session, actor: Membership, target: Membership, action: str) -> None:
    if actor.role != "owner":
        raise NotAllowed("Only owners can grant or take away the owner role.", "role")
    if target.role == "owner" and _other_owners(session, target) == 0:
        raise LastOwner(f"{target.user.name} is the last owner; {action} would leave the organization "
                        "without one. Make someone else owner first.", "role")


def change_role(session, actor: Membership, target: Membership, role: str) -> bool:
    """Give ``target`` the role; False when it already had it."""
    if role not in ROLES:
        raise MembershipError("Choose a role: owner, admin or member.", "role")
    if role == target.role:
        return False
    if "owner" in (role, target.role):
        _check_owner_change(session, actor, target, "this change")
    target.role = role
    return True


def remove_member(session, actor: Membership, target: Membership) -> None:
    """Take ``target`` out of the organization, with its tool permissions and API tokens."""
    if target.role == "owner":
        _check_owner_change(session, actor, target, "removing them")
    for grant in session.scalars(select(MemberPermission).where(MemberPermission.membership_id == target.id)):
        session.delete(grant)
    for token in session.scalars(select(ApiToken).where(
            ApiToken.org_id == target.org_id, ApiToken.user_id == target.user_id,
            ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()
    session.delete(target)
    session.flush()


def leave(session, membership: Membership) -> None:
    """A member leaves on their own; the last owner cannot."""
    remove_member(session, membership, membership)
