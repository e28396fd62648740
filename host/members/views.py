"""The members page: roles, removal, leaving and per-tool permissions.

Any member sees the list; changes need an org admin or owner (403 otherwise). A membership id
in a URL is always looked up inside the current organization, so another's answers 404.
"""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts_service import AccountError
from ..db import db_session
from ..orgctx import org_member_required
from . import invitation_views  # noqa: F401  (registers the invitation routes on bp)
from .blueprint import bp
from .pages import refuse, render_members_page, target_membership
from .roles import ROLE_LABELS, change_role, leave, remove_member
from .tool_permissions import (
    declared_permissions,
    granted,
    held_roles,
    parse_choices,
    set_permissions,
    set_roles,
)

__all__ = ["bp"]


@bp.get("/o/<org>/members")
@org_member_required
def index():
    return render_members_page()


@bp.post("/o/<org>/members/<int:membership_id>/role")
@org_member_required(admin=True)
def change_member_role(membership_id: int):
    target = target_membership(membership_id)
    role = (request.form.get("role") or "").strip()
    try:
        changed = change_role(db_session(), g.membership, target, role)
        db_session().commit()
    except AccountError as exc:
        return refuse(exc)
    if changed:
        flash(f"{target.user.name} is now {ROLE_LABELS[role].lower()}.", "success")
    return redirect(url_for("members.index"))


@bp.post("/o/<org>/members/<int:membership_id>/remove")
@org_member_required(admin=True)
def remove(membership_id: int):
    target = target_membership(membership_id)
    name, is_self = target.user.name, target.user_id == current_user.id
    try:
        remove_member(db_session(), g.membership, target)
        db_session().commit()
    except AccountError as exc:
        return refuse(exc)
    if is_self:
        flash(f"You left {g.org.name}.", "success")
        return redirect(url_for("home.index"))
    flash(f"{name} is no longer a member of {g.org.name}.", "success")
    return redirect(url_for("members.index"))


@bp.post("/o/<org>/members/leave")
@org_member_required
def leave_org():
    try:
        leave(db_session(), g.membership)
        db_session().commit()
    except AccountError as exc:
        return refuse(exc)
    flash(f"You left {g.org.name}.", "success")
    return redirect(url_for("home.index"))


def _permissions_page(target, status: int = 200, chosen: set | None = None, roles: set | None = None):
    tools = declared_permissions(current_app.extensions["trialoffice.registry"])
    if chosen is None:
        chosen = granted(db_session(), target.id)
    if roles is None:
        roles = held_roles(db_session(), target.id)
    return render_template("members/permissions.html", target=target, tools=tools, chosen=chosen,
                           held=roles, role_labels=ROLE_LABELS), status


@bp.route("/o/<org>/members/<int:membership_id>/permissions", methods=["GET", "POST"])
@org_member_required(admin=True)
def permissions(membership_id: int):
    target = target_membership(membership_id)
    if request.method != "POST":
        return _permissions_page(target)
    session = db_session()
    tools = declared_permissions(current_app.extensions["trialoffice.registry"])
    try:
        wanted = parse_choices(request.form.getlist("permission"))
        wanted_roles = parse_choices(request.form.getlist("role"))
        added, removed = set_permissions(session, target, wanted, tools)
        roles_added, roles_removed = set_roles(session, target, wanted_roles, tools)
        added, removed = added + roles_added, removed + roles_removed
        session.commit()
    except AccountError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _permissions_page(target, getattr(exc, "status", 400))
    flash(f"Tool permissions of {target.user.name} saved ({added} granted, {removed} taken away).",
          "success")
    return redirect(url_for("members.permissions", membership_id=target.id))
