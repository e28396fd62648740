"""The organization of the current request: loaded once, checked for membership, put on ``g``.

Every org-scoped URL carries ``<org>`` (the slug). One query loads the organization with the
current user's membership; a non-member gets 404 so that no organization's existence leaks.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import and_, select

from sdk.services import OrgRef

from .db import db_session
from .models import Membership, Organization


def wants_json() -> bool:
    return request.path.startswith("/api/")


def load_org(slug: str) -> tuple[Organization, Membership]:
    """Load ``slug`` with the user's membership into ``g``, or abort 404 for non-members."""
    if not current_user.is_authenticated:
        abort(401)
    token = g.get("api_token")
    row = db_session().execute(
        select(Organization, Membership)
        .outerjoin(Membership, and_(Membership.org_id == Organization.id,
                                    Membership.user_id == current_user.id))
        .where(Organization.slug == slug)
    ).first()
    if row is None or row[1] is None or (token is not None and token.org_id != row[0].id):
        abort(404)
    g.org, g.membership = row
    g.tenant_org_id = row[0].id
    return row[0], row[1]


def org_ref(org: Organization) -> OrgRef:
    return OrgRef(id=org.id, slug=org.slug, name=org.name, type=org.type)


def org_member_required(view=None, *, admin: bool = False):
    """Decorate a host view under ``/o/<org>/``: membership required, org admin if ``admin``."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            _, membership = load_org(g.org_slug)
            if admin and not membership.is_admin:
                abort(403, "Only owners and admins of this organization can do that.")
            return fn(*args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate
