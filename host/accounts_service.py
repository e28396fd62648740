"""Creating users and organizations: the one place that knows what a new account needs.

Each operation checks all of its input before it writes anything and reports every problem at
once, each with the form field it belongs to (:class:`AccountError` is the kit's
``InputProblems``), so a page shows each message beside its field and the CLI prints them all.
"""
from __future__ import annotations

import re
import zoneinfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from sdk.forms import InputProblems

from .auth.passwords import MIN_PASSWORD_LENGTH, hash_password, password_problem, verify_password
from .models import ORG_TYPES, Membership, Organization, User

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"admin", "api", "new", "static", "login", "logout", "signup"}
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254


class AccountError(InputProblems):
    """Bad input for an account operation; every message is meant for the user.

    ``AccountError("Enter your name.", "name")`` is one problem of one field; an operation that
    finds several adds them (``.add``) and raises once (``.raise_if_any``)."""

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__([(field, message)] if message else [])


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_problem(email: str) -> tuple[str, str | None]:
    """The normalized address and why it is refused (None when it is fine)."""
    email = normalize_email(email)
    if not email:
        return email, "Enter your email address."
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return email, f"Enter a valid email address: {exc}"
    if len(checked.normalized) > EMAIL_MAX_LENGTH:
        return email, "Enter a valid email address: it is too long."
    return checked.normalized.lower(), None


def valid_email(email: str) -> str:
    """The normalized address, or AccountError (field ``email``) saying what is wrong with it."""
    email, problem = email_problem(email)
    if problem:
        raise AccountError(problem, "email")
    return email


def _name_problem(name: str) -> str | None:
    if not (name or "").strip():
        return "Enter your name."
    if len(name.strip()) > NAME_MAX_LENGTH:
        return f"Your name can be at most {NAME_MAX_LENGTH} characters."
    return None


def _check_user(session, problems: AccountError, *, email: str, password: str, name: str,
                check_password: bool) -> str:
    """Add the problems of a new user's input to ``problems``; returns the normalized email."""
    email, problem = email_problem(email)
    if problem:
        problems.add("email", problem)
    elif session.scalar(select(User.id).where(func.lower(User.email) == email)):
        problems.add("email", "An account with this email already exists.")
    if problem := _name_problem(name):
        problems.add("name", problem)
    if check_password:
        if not password:
            problems.add("password", f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
        elif problem := password_problem(password):
            problems.add("password", problem)
    return email


def _add_user(session, *, email: str, password: str, name: str, platform_admin: bool) -> User:
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                is_platform_admin=platform_admin)
    session.add(user)
    session.flush()
    return user


def create_user(session, *, email: str, password: str, name: str, platform_admin: bool = False,
                check_password: bool = True) -> User:
    problems = AccountError()
    email = _check_user(session, problems, email=email, password=password, name=name,
                        check_password=check_password)
    problems.raise_if_any()
    return _add_user(session, email=email, password=password, name=name, platform_admin=platform_admin)


def _check_organization(session, problems: AccountError, *, slug: str, name: str, type: str) -> str:
    """Add the problems of a new organization's input (fields ``org_name``, ``slug`` and
    ``org_type``, as the forms call them) to ``problems``; returns the normalized short name.

    An empty ``slug`` is derived from the name; with no name either, "Enter the organization's
    name" says all there is to say."""
    if not (name or "").strip():
        problems.add("org_name", "Enter the organization's name.")
    elif len(name.strip()) > NAME_MAX_LENGTH:
        problems.add("org_name", f"The organization's name can be at most {NAME_MAX_LENGTH} characters.")
    typed = (slug or "").strip().lower()
    slug = typed or slug_from_name(name)
    if typed or (name or "").strip():
        if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
            problems.add("slug", "The short name must be 3-40 characters of a-z, 0-9 and hyphens, "
                                 "and not a reserved word.")
        elif session.scalar(select(Organization.id).where(Organization.slug == slug)):
            problems.add("slug", f"The short name '{slug}' is taken.")
    if not type:
        problems.add("org_type", "Choose the organization's type.")
    elif type not in ORG_TYPES:
        problems.add("org_type", f"Organization type must be one of: {', '.join(ORG_TYPES)}.")
    return slug


def _add_organization(session, *, slug: str, name: str, type: str, owner: User) -> Organization:
    org = Organization(slug=slug, name=name.strip(), type=type)
    session.add(org)
    session.flush()
    session.add(Membership(org_id=org.id, user_id=owner.id, role="owner"))
    session.flush()
    return org


def create_organization(session, *, slug: str, name: str, type: str, owner: User) -> Organization:
    """A new organization owned by ``owner``; an empty ``slug`` is derived from the name."""
    problems = AccountError()
    slug = _check_organization(session, problems, slug=slug, name=name, type=type)
    problems.raise_if_any()
    return _add_organization(session, slug=slug, name=name, type=type, owner=owner)


def slug_from_name(name: str) -> str:
    """A short-name suggestion from an organization's name (``Acme Trials Ltd`` -> ``acme-trials-ltd``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")
    return slug[:40].rstrip("-")


def sign_up(session, *, name: str, email: str, password: str, org_name: str, slug: str,
            org_type: str) -> tuple[User, Organization]:
    """A new user and their first organization, owned by them; the caller commits or rolls back.

    The person's and the organization's input are checked together: every problem at once."""
    problems = AccountError()
    email = _check_user(session, problems, email=email, password=password, name=name, check_password=True)
    slug = _check_organization(session, problems, slug=slug, name=org_name, type=org_type)
    problems.raise_if_any()
    user = _add_user(session, email=email, password=password, name=name, platform_admin=False)
    return user, _add_organization(session, slug=slug, name=org_name, type=org_type, owner=user)


def update_profile(user: User, *, name: str, timezone: str) -> None:
    problems = AccountError()
    if problem := _name_problem(name):
        problems.add("name", problem)
    if timezone not in _TIMEZONE_SET:
        problems.add("timezone", "Choose a time zone from the list.")
    problems.raise_if_any()
    user.name = name.strip()
    user.timezone = timezone


def change_password(user: User, *, current: str, new: str, confirm: str) -> None:
    problems = AccountError()
    if not current:
        problems.add("current_password", "Enter your current password.")
    elif not verify_password(user.password_hash, current):
        problems.add("current_password", "Your current password is wrong.")
    if not new:
        problems.add("new_password", f"Choose a new password of at least {MIN_PASSWORD_LENGTH} characters.")
    elif problem := password_problem(new):
        problems.add("new_password", problem)
    if new and not confirm:
        problems.add("confirm_password", "Type the new password again.")
    elif new and confirm != new:
        problems.add("confirm_password", "The new password and its confirmation differ.")
    problems.raise_if_any()
    user.password_hash = hash_password(new)
    user.end_other_sessions()


def available_timezones() -> list[str]:
    """Every IANA zone this machine knows, UTC first."""
    return _TIMEZONES


_TIMEZONES = ["UTC"] + sorted(z for z in zoneinfo.available_timezones() if z != "UTC")
_TIMEZONE_SET = frozenset(_TIMEZONES)
