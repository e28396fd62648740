"""API tokens: random, shown once, stored as SHA-256, scoped to one user in one organization."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from sdk.models import utcnow

from ..models import ApiToken

TOKEN_PREFIX = "to_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session, *, user_id: int, org_id: int, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, org_id=org_id, name=name, token_hash=hash_token(raw),
                     prefix=raw[:10])
    session.add(token)
    session.flush()
    return token, raw


def find_active_token(session, raw: str) -> ApiToken | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
