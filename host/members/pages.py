"""What the members views share: the members page itself and the lookup of a member by id."""
from __future__ import annotations

from flask import abort, flash, g, render_template

from ..accounts_service import AccountError
from ..db import db_session
from ..models import Membership
from .invitations import pending_invitations
from .roles import ROLE_LABELS, members_of, membership_in
from .tool_permissions import grants_by_member


def render_members_page(status: int = 200, invite: dict | None = None):
    session = db_session()
    is_admin = g.membership.is_admin
    return render_template(
        "members/index.html", members=members_of(session, g.org.id), role_labels=ROLE_LABELS,
        grants=grants_by_member(session, g.org.id),
        invitations=pending_invitations(session, g.org.id) if is_admin else [],
        invite=invite or {"email": "", "role": "member"}, can_manage=is_admin,
        is_owner=g.membership.role == "owner"), status


def refuse(exc: AccountError, **page):
    """Undo the request's changes and answer the members page with the message."""
    db_session().rollback()
    flash(str(exc), "error")
    return render_members_page(getattr(exc, "status", 400), **page)


def target_membership(membership_id: int) -> Membership:
    """A membership of the current organization, or 404 (another organization's included)."""
    target = membership_in(db_session(), g.org.id, membership_id)
    if target is None:
        abort(404, "There is no such member in this organization.")
    return target
