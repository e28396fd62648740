"""The members page: roles, removal, leaving and per-tool permissions.

Any member sees the list; changes need an org admin or owner (403 otherwise). A membership id
in a URL is always looked up inside the current organization, so another's answers 404.
"""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from sdk.forms import InputProblems

from ..accounts_service import AccountError
from ..db import db_session
from ..orgctx import org_member_required
from . import invitation_views  # noqa: F401  (registers the invitation routes on bp)
from .blueprint import bp
from .forms import PermissionsForm, RoleForm
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
    form = RoleForm.for_member(target, owner=g.membership.role == "owner", posted=True)
    if not form.validate_on_submit():
        return render_members_page(400, posted_role=form, posted_for=target.id)
    session = db_session()
    try:
        changed = change_role(session, g.membership, target, form.role.data or "")
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return render_members_page(getattr(problems, "status", 400), posted_role=form, posted_for=target.id)
    if changed:
        flash(f"{target.user.name} is now {ROLE_LABELS[form.role.data].lower()}.", "success")
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


def _permissions_page(target, form: PermissionsForm, status: int = 200):
    tools = declared_permissions(current_app.extensions["trialoffice.registry"])
    if target.is_admin:
        tools = [t for t in tools if t.kept_from_admins()]
    return render_template("members/permissions.html", target=target, tools=tools, form=form,
                           chosen=_pairs(form.permission.data), held=_pairs(form.role.data),
                           role_labels=ROLE_LABELS), status


def _pairs(values: list[str] | None) -> set[tuple[str, str]]:
    """The ticked ``tool:key`` values as pairs, for the template (malformed ones tick nothing)."""
    return {tuple(value.split(":", 1)) for value in values or () if ":" in value}


def _stored(target) -> PermissionsForm:
    session = db_session()
    return PermissionsForm(formdata=None, data={
        "permission": [f"{tool}:{key}" for tool, key in sorted(granted(session, target.id))],
        "role": [f"{tool}:{key}" for tool, key in sorted(held_roles(session, target.id))]})


@bp.route("/o/<org>/members/<int:membership_id>/permissions", methods=["GET", "POST"])
@org_member_required(admin=True)
def permissions(membership_id: int):
    target = target_membership(membership_id)
    if request.method != "POST":
        return _permissions_page(target, _stored(target))
    form = PermissionsForm()
    if not form.validate_on_submit():
        return _permissions_page(target, form, 400)
    session = db_session()
    tools = declared_permissions(current_app.extensions["trialoffice.registry"])
    try:
        wanted = parse_choices(form.permission.data or [])
        wanted_roles = parse_choices(form.role.data or [])
        added, removed = set_permissions(session, target, wanted, tools)
        roles_added, roles_removed = set_roles(session, target, wanted_roles, tools)
        added, removed = added + roles_added, removed + roles_removed
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(InputProblems([(None, message) for message in problems.messages]))
        return _permissions_page(target, form, getattr(problems, "status", 400))
    flash(f"Tool permissions of {target.user.name} saved ({added} granted, {removed} taken away).",
          "success")
    return redirect(url_for("members.permissions", membership_id=target.id))
