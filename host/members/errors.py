"""Refusals of membership actions; each carries the HTTP status its page is answered with."""
from __future__ import annotations

from ..accounts_service import AccountError


class MembershipError(AccountError):
    """Bad input (400); the message is meant for the user."""

    status = 400

    @classmethod
    def of(cls, messages) -> "MembershipError":
        """Several problems of no one field (raise it if it holds any: ``.raise_if_any()``)."""
        problems = cls()
        for message in messages:
            problems.add(None, message)
        return problems


class NotAllowed(MembershipError):
    """The actor's role does not allow this."""

    status = 403


class LastOwner(MembershipError):
    """The action would leave the organization without an owner."""

    status = 409


class InvitationNotFound(MembershipError):
    status = 404


class InvitationGone(MembershipError):
    """Expired, revoked or already used: the link can never work again."""

    status = 410


class AlreadyMember(MembershipError):
    status = 409
