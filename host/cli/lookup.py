"""Finding the users and organizations that a command names, or stopping with one line."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from ..accounts_service import normalize_email
from ..models import Membership, Organization, User


def user_by_email(session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))
    if user is None:
        raise click.ClickException(f"There is no user with the email '{email}'.")
    return user


def org_by_slug(session, slug: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.slug == (slug or "").strip().lower()))
    if org is None:
        raise click.ClickException(f"There is no organization '{slug}'.")
    return org


def membership_of(session, org: Organization, user: User) -> Membership:
    membership = session.scalar(select(Membership).where(Membership.org_id == org.id,
                                                         Membership.user_id == user.id))
    if membership is None:
        raise click.ClickException(f"{user.email} is not a member of '{org.slug}'.")
    return membership
