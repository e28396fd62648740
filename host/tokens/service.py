"""A member's API tokens in one organization: list, create, revoke.

Tokens live in a host table without the tenant mixin, so every query here names the
organization explicitly. A token id from a URL is looked up inside the organization and, unless
the caller is an org admin, among the caller's own tokens: anything else is "not found".
"""
from __future__ import annotations

from sqlalchemy import select

from sdk.forms import InputProblems

from ..auth.tokens import issue_token
from ..models import ApiToken, Membership, Organization, User

NAME_MAX_LENGTH = 100


class TokenError(InputProblems):
    """Bad input for a token, with the field it belongs to; the message is meant for the user."""

    def __init__(self, message: str, field: str | None = "name"):
        super().__init__([(field, message)])


def create_token(session, org: Organization, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` in ``org``; returns the row and the raw token (shown once)."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("Give the token a name, so that you can tell your tokens apart later.")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(f"The name can be at most {NAME_MAX_LENGTH} characters long.")
    return issue_token(session, user_id=user.id, org_id=org.id, name=name)


def tokens_of(session, org: Organization, user: User) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.org_id == org.id, ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def others_active_tokens(session, org: Organization, user: User) -> list[tuple[ApiToken, User]]:
    """The other people's live tokens in ``org`` (what an org admin may revoke)."""
    return list(session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.org_id == org.id, ApiToken.user_id != user.id, ApiToken.revoked_at.is_(None))
        .order_by(User.email, ApiToken.created_at.desc(), ApiToken.id.desc())).all())


def revocable_token(session, org: Organization, membership: Membership, user: User,
                    token_id: int) -> ApiToken | None:
    token = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.org_id == org.id))
    if token is None or (token.user_id != user.id and not membership.is_admin):
        return None
    return token

