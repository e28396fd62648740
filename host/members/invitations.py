"""Invitations by link: a random token shown once to the inviter, only its SHA-256 stored.

A link works once, for the invited email, until it expires or is revoked. Accepting claims the
invitation with one conditional UPDATE, so two clicks in two processes cannot both succeed.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from sdk.models import utcnow

from ..accounts_service import email_problem, normalize_email
from ..compliance.actor import acting_as
from ..models import ROLES, Invitation, Membership, Organization, User
from .errors import AlreadyMember, InvitationGone, InvitationNotFound, MembershipError, NotAllowed

MAX_TOKEN_LENGTH = 100


def hash_invitation_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def is_pending(invitation: Invitation, now=None) -> bool:
    return (invitation.accepted_at is None and invitation.revoked_at is None
            and invitation.expires_at > (now or utcnow()))


def _member_with_email(session, org_id: int, email: str) -> Membership | None:
    return session.scalar(select(Membership).join(User, User.id == Membership.user_id)
                          .where(Membership.org_id == org_id, func.lower(User.email) == email))


def create_invitation(session, org: Organization, actor: Membership, *, email: str, role: str,
                      days: int) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role``; returns the row and the raw token (never stored).

    A pending invitation for the same email is revoked: only the newest link works.
    """
    email, problem = email_problem(email)
    problems = MembershipError()
    if not email:
        problems.add("email", "Enter the email address of the person you invite.")
    elif problem:
        problems.add("email", problem)
    if role not in ROLES:
        problems.add("role", "Choose a role: owner, admin or member.")
    problems.raise_if_any()
    if role == "owner" and actor.role != "owner":
        raise NotAllowed("Only owners can invite another owner.", "role")
    if _member_with_email(session, org.id, email) is not None:
        raise AlreadyMember(f"{email} is already a member of {org.name}.", "email")
    now = utcnow()
    for earlier in session.scalars(select(Invitation).where(
            Invitation.org_id == org.id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        earlier.revoked_at = now
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(org_id=org.id, email=email, role=role, token_hash=hash_invitation_token(raw),
                            invited_by_id=actor.user_id, created_at=now,
                            expires_at=now + timedelta(days=days))
    session.add(invitation)
    session.flush()
    return invitation, raw


def pending_invitations(session, org_id: int) -> list[Invitation]:
    now = utcnow()
    return list(session.scalars(
        select(Invitation)
        .where(Invitation.org_id == org_id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def invitation_in(session, org_id: int, invitation_id: int) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                   Invitation.org_id == org_id))


def revoke_invitation(invitation: Invitation) -> None:
    if not is_pending(invitation):
        raise InvitationGone("This invitation was already accepted, revoked or has expired.")
    invitation.revoked_at = utcnow()


def usable_invitation(session, raw: str) -> Invitation:
    """The pending invitation for a link's token, or a refusal saying why the link is dead."""
    invitation = None
    if raw and len(raw) <= MAX_TOKEN_LENGTH:
        invitation = session.scalar(select(Invitation).where(
            Invitation.token_hash == hash_invitation_token(raw)))
    if invitation is None:
        raise InvitationNotFound("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        raise InvitationGone("This invitation link has already been used.")
    if invitation.revoked_at is not None:
        raise InvitationGone("This invitation was withdrawn. Ask for a new link.")
    if invitation.expires_at <= utcnow():
        raise InvitationGone("This invitation link has expired. Ask for a new one.")
    return invitation


def check_can_accept(session, invitation: Invitation, user: User) -> None:
    if normalize_email(user.email) != invitation.email:
        raise NotAllowed(f"This invitation is for {invitation.email}, but you are signed in as "
                         f"{user.email}. Sign out and sign in with the invited email.")
    if session.scalar(select(Membership.id).where(Membership.org_id == invitation.org_id,
                                                  Membership.user_id == user.id)):
        raise AlreadyMember(f"You are already a member of {invitation.org.name}.")


def accept_invitation(session, invitation: Invitation, user: User) -> Membership:
    """Make ``user`` a member with the invited role; the invitation is used up.

    The audit trail records both changes as done by ``user``, who accepts, whether or not the
    request was signed in yet (an invitation answered with a new account is not)."""
    check_can_accept(session, invitation, user)
    with acting_as("user", str(user.id), user.email):
        claimed = session.scalar(select(Invitation).where(
            Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()).with_for_update(of=Invitation))
        if claimed is None:
            raise InvitationGone("This invitation link has just been used or withdrawn.")
        claimed.accepted_at = utcnow()
        membership = Membership(org_id=invitation.org_id, user_id=user.id, role=invitation.role)
        session.add(membership)
        session.flush()
    return membership
