"""The Sharing page: what an organization shares, what it received, and the invitations waiting.

Any member sees the page; accepting, declining, re-scoping and ending shares need an owner or
admin. A grant id in a URL is looked up among the current organization's own grants (as owner
or as grantee), so another organization's answers 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from sdk.forms import InputProblems
from sdk.sharing import ShareError

from ..access_cache import forget_access_cache
from ..db import db_session
from ..models import ShareGrant, User
from ..orgctx import org_member_required
from . import grants, team
from .forms import GrantRolesForm, TeamForm

bp = Blueprint("sharing", __name__)


def _grants(*conditions) -> list[ShareGrant]:
    return list(db_session().scalars(select(ShareGrant).where(*conditions)
                                     .order_by(ShareGrant.invited_at.desc(), ShareGrant.id.desc())))


def _page(status: int = 200, posted: GrantRolesForm | None = None, posted_for: int | None = None):
    """The Sharing page; ``posted`` is the refused roles form of share ``posted_for``, kept as
    ticked with its problem beside it (the other shares' forms show their stored roles)."""
    org_id = g.org.id
    registry = current_app.extensions["trialoffice.registry"]
    given = _grants(ShareGrant.owner_org_id == org_id, ShareGrant.status.in_(grants.OPEN_STATUSES))
    role_forms = {}
    if g.membership.is_admin:
        role_forms = {grant.id: GrantRolesForm.for_grant(grant, manifest) for grant in given
                      if (manifest := registry.manifest(grant.tool_key)) and manifest.roles}
        if posted is not None:
            role_forms[posted_for] = posted
    return render_template(
        "sharing/index.html",
        waiting=_grants(ShareGrant.grantee_org_id == org_id, ShareGrant.status == "pending"),
        received=_grants(ShareGrant.grantee_org_id == org_id, ShareGrant.status == "active"),
        given=given,
        ended=_grants(or_(ShareGrant.owner_org_id == org_id, ShareGrant.grantee_org_id == org_id),
                      ShareGrant.status.in_(("declined", "revoked")))[:20],
        role_labels=grants.role_labels, manifest=registry.manifest, role_forms=role_forms,
        posted=posted, can_manage=g.membership.is_admin), status


def _grant(grant_id: int, *, side: str) -> ShareGrant:
    column = ShareGrant.owner_org_id if side == "owner" else ShareGrant.grantee_org_id
    grant = db_session().scalar(select(ShareGrant).where(ShareGrant.id == grant_id, column == g.org.id))
    if grant is None:
        abort(404, "There is no such share for this organization.")
    return grant


def _done(message: str):
    db_session().commit()
    forget_access_cache()
    flash(message, "success")
    return redirect(url_for("sharing.index"))


def _refuse(exc: ShareError):
    db_session().rollback()
    flash(str(exc), "error")
    return _page(400)


def _me() -> User:
    return db_session().get(User, current_user.id)


@bp.get("/o/<org>/sharing")
@org_member_required
def index():
    return _page()


ANSWERS = {
    "accept": (grants.accept, "{record} from {owner} is now shared with {org}."),
    "decline": (grants.decline, "You declined {record} from {owner}."),
}


@bp.post("/o/<org>/sharing/<int:grant_id>/<any(accept, decline):answer>")
@org_member_required(admin=True)
def answer(grant_id: int, answer: str):
    """The grantee's admins accept or decline an invitation."""
    grant = _grant(grant_id, side="grantee")
    change, message = ANSWERS[answer]
    try:
        change(db_session(), grant, _me())
    except ShareError as exc:
        return _refuse(exc)
    return _done(message.format(record=grant.scope_label, owner=grant.owner.name, org=g.org.name))


@bp.post("/o/<org>/sharing/<int:grant_id>/end")
@org_member_required(admin=True)
def end(grant_id: int):
    side = request.form.get("side")
    if side not in ("owner", "grantee"):
        abort(400, "Say whether you end a share you gave or one you received.")
    grant = _grant(grant_id, side=side)
    try:
        grants.end(db_session(), grant, _me(), by_grantee=side == "grantee")
    except ShareError as exc:
        return _refuse(exc)
    other = grant.grantee.name if side == "owner" else grant.owner.name
    return _done(f"The share of {grant.scope_label} with {other} has ended." if side == "owner"
                 else f"{g.org.name} no longer works on {grant.scope_label} of {other}.")


@bp.post("/o/<org>/sharing/<int:grant_id>/roles")
@org_member_required(admin=True)
def change_roles(grant_id: int):
    grant = _grant(grant_id, side="owner")
    manifest = current_app.extensions["trialoffice.registry"].manifest(grant.tool_key)
    if manifest is None or not manifest.roles:
        return _refuse(ShareError("The tool of this share is not installed; its roles cannot be changed."))
    form = GrantRolesForm.for_grant(grant, manifest, posted=True)
    if not form.validate_on_submit():
        return _page(400, form, grant.id)
    try:
        grants.change_roles(db_session(), grant, form.role.data or [])
    except ShareError as exc:
        db_session().rollback()
        form.absorb(InputProblems([("role", str(exc))]))
        return _page(400, form, grant.id)
    return _done(f"{grant.grantee.name} now works on {grant.scope_label} as {grants.role_labels(grant)}.")


def _team_page(grant: ShareGrant, form: TeamForm | None = None, status: int = 200):
    """The team page; ``form`` is a refused one, kept as ticked (else the stored roles)."""
    members = team.team(db_session(), grant)
    if form is None:
        form = TeamForm(formdata=None, data={"assign": [f"{m.id}:{role}" for m, held in members for role in sorted(held)]})
    return render_template("sharing/team.html", grant=grant, team=members, form=form, ticked=set(form.assign.data or ()),
                           role_labels=grants.role_labels, manifest=current_app.extensions["trialoffice.registry"]
                           .manifest(grant.tool_key), can_manage=g.membership.is_admin), status


@bp.get("/o/<org>/sharing/<int:grant_id>/team")
@org_member_required
def team_page(grant_id: int):
    return _team_page(_grant(grant_id, side="grantee"))


@bp.post("/o/<org>/sharing/<int:grant_id>/team")
@org_member_required(admin=True)
def set_team(grant_id: int):
    grant = _grant(grant_id, side="grantee")
    form = TeamForm()
    if not form.validate_on_submit():
        return _team_page(grant, form, 400)
    try:
        added, removed = team.set_team(db_session(), grant, team.parse_assignments(form.assign.data or []))
    except ShareError as exc:
        db_session().rollback()
        form.form_errors.append(str(exc))
        return _team_page(grant, form, 400)
    db_session().commit()
    forget_access_cache()
    flash(f"Saved who works on {grant.scope_label} ({added} roles given, {removed} taken away).", "success")
    return redirect(url_for("sharing.team_page", grant_id=grant.id))
