"""What the members views share: the members page itself and the lookup of a member by id."""
from __future__ import annotations

from flask import abort, flash, g, render_template

from ..accounts_service import AccountError
from ..db import db_session
from ..models import Membership
from .forms import InviteForm, RoleForm
from .invitations import pending_invitations
from .roles import ROLE_LABELS, members_of, membership_in
from .tool_permissions import grants_by_member


def render_members_page(status: int = 200, *, invite_form: InviteForm | None = None,
                        posted_role: RoleForm | None = None, posted_for: int | None = None):
    """The members page with its forms: the invitation, and a role select a row.

    A posted form (``invite_form``, or ``posted_role`` of membership ``posted_for``) comes back
    with its problems and what was chosen; the others show the stored values, not
    ``request.form``, which the posted one sent."""
    session = db_session()
    is_admin = g.membership.is_admin
    is_owner = g.membership.role == "owner"
    members = members_of(session, g.org.id)
    role_forms = {m.id: RoleForm.for_member(m, owner=is_owner) for m in members} if is_admin else {}
    if posted_role is not None:
        role_forms[posted_for] = posted_role
    return render_template(
        "members/index.html", members=members, role_labels=ROLE_LABELS,
        grants=grants_by_member(session, g.org.id),
        invitations=pending_invitations(session, g.org.id) if is_admin else [],
        invite_form=(invite_form or InviteForm(formdata=None)).offer_roles(owner=is_owner),
        role_forms=role_forms, posted_role=posted_role, can_manage=is_admin, is_owner=is_owner), status


def refuse(exc: AccountError):
    """Undo the request's changes and answer the members page with the message (an action of
    one button: removing, leaving, withdrawing; there is no field to show it by)."""
    db_session().rollback()
    flash(str(exc), "error")
    return render_members_page(getattr(exc, "status", 400))


def target_membership(membership_id: int) -> Membership:
    """A membership of the current organization, or 404 (another organization's included)."""
    target = membership_in(db_session(), g.org.id, membership_id)
    if target is None:
        abort(404, "There is no such member in this organization.")
    return target
