"""Creating users and organizations: the one place that knows what a new account needs."""
from __future__ import annotations

import re
import zoneinfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from .auth.passwords import hash_password, password_problem, verify_password
from .models import ORG_TYPES, Membership, Organization, User

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"admin", "api", "new", "static", "login", "logout", "signup"}


class AccountError(ValueError):
    """Bad input for an account operation; the message is meant for the user."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def valid_email(email: str) -> str:
    """The normalized address, or AccountError with email-validator's explanation."""
    try:
        checked = validate_email(normalize_email(email), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"Enter a valid email address: {exc}") from None
    if len(checked.normalized) > 254:
        raise AccountError("Enter a valid email address: it is too long.")
    return checked.normalized.lower()


def create_user(session, *, email: str, password: str, name: str, platform_admin: bool = False,
                check_password: bool = True) -> User:
    email = valid_email(email)
    if not (name or "").strip():
        raise AccountError("Enter your name.")
    if len(name.strip()) > 200:
        raise AccountError("Your name can be at most 200 characters.")
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
    if not (name or "").strip():
        raise AccountError("Enter the organization's name.")
    if len(name.strip()) > 200:
        raise AccountError("The organization's name can be at most 200 characters.")
    if session.scalar(select(Organization.id).where(Organization.slug == slug)):
        raise AccountError(f"The short name '{slug}' is taken.")
    org = Organization(slug=slug, name=name.strip(), type=type)
    session.add(org)
    session.flush()
    session.add(Membership(org_id=org.id, user_id=owner.id, role="owner"))
    session.flush()
    return org


def slug_from_name(name: str) -> str:
    """A short-name suggestion from an organization's name (``Acme Trials Ltd`` -> ``acme-trials-ltd``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")
    return slug[:40].rstrip("-")


def sign_up(session, *, name: str, email: str, password: str, org_name: str, slug: str,
            org_type: str) -> tuple[User, Organization]:
    """A new user and their first organization, owned by them; the caller commits or rolls back."""
    user = create_user(session, email=email, password=password, name=name)
    org = create_organization(session, slug=slug or slug_from_name(org_name), name=org_name,
                              type=org_type, owner=user)
    return user, org


def update_profile(user: User, *, name: str, timezone: str) -> None:
    if not (name or "").strip():
        raise AccountError("Enter your name.")
    if len(name.strip()) > 200:
        raise AccountError("Your name can be at most 200 characters.")
    if timezone not in _TIMEZONE_SET:
        raise AccountError("Choose a time zone from the list.")
    user.name = name.strip()
    user.timezone = timezone


def change_password(user: User, *, current: str, new: str, confirm: str) -> None:
    if not verify_password(user.password_hash, current or ""):
        raise AccountError("Your current password is wrong.")
    if new != confirm:
        raise AccountError("The new password and its confirmation differ.")
    problem = password_problem(new or "")
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    user.end_other_sessions()


def available_timezones() -> list[str]:
    """Every IANA zone this machine knows, UTC first."""
    return _TIMEZONES


_TIMEZONES = ["UTC"] + sorted(z for z in zoneinfo.available_timezones() if z != "UTC")
_TIMEZONE_SET = frozenset(_TIMEZONES)
