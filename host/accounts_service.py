"""Creating users and organizations: the one place that knows what a new account needs."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from .auth.passwords import hash_password, password_problem
from .models import ORG_TYPES, Membership, Organization, User

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"admin", "api", "new", "static", "login", "logout", "signup"}


class AccountError(ValueError):
    """Bad input for an account operation; the message is meant for the user."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(session, *, email: str, password: str, name: str, platform_admin: bool = False,
                check_password: bool = True) -> User:
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if not name.strip():
        raise AccountError("Enter your name.")
    problem = password_problem(password) if check_password else None
    if problem:
        raise AccountError(problem)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError("An account with this email already exists.")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                is_platform_admin=platform_admin)
    session.add(user)
    session.flush()
    return user


def create_organization(session, *, slug: str, name: str, type: str, owner: User) -> Organization:
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise AccountError("The short name must be 3-40 characters of a-z, 0-9 and hyphens, "
                           "and not a reserved word.")
    if type not in ORG_TYPES:
        raise AccountError(f"Organization type must be one of: {', '.join(ORG_TYPES)}.")
    if not name.strip():
        raise AccountError("Enter the organization's name.")
    if session.scalar(select(Organization.id).where(Organization.slug == slug)):
        raise AccountError(f"The short name '{slug}' is taken.")
    org = Organization(slug=slug, name=name.strip(), type=type)
    session.add(org)
    session.flush()
    session.add(Membership(org_id=org.id, user_id=owner.id, role="owner"))
    session.flush()
    return org
