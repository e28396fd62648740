"""Invitations: an admin creates a link (shown once) or withdraws it; the invitee accepts it.

``/invite/<token>`` carries no organization in its path: the token alone names the invitation.
Dead links (unknown 404; used, withdrawn or expired 410) change nothing.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts_service import AccountError, create_user
from ..auth.passwords import MIN_PASSWORD_LENGTH
from ..compliance.actor import acting_as
from ..db import db_session
from ..models import Invitation, User
from ..notifications.platform import send_invitation
from ..orgctx import org_member_required
from .blueprint import bp
from .errors import MembershipError
from .forms import InvitationSignupForm, InviteForm
from .invitations import (
    accept_invitation,
    check_can_accept,
    create_invitation,
    invitation_in,
    revoke_invitation,
    usable_invitation,
)
from .pages import refuse, render_members_page
from .roles import ROLE_LABELS


@bp.post("/o/<org>/members/invitations")
@org_member_required(admin=True)
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return render_members_page(400, invite_form=form)
    session = db_session()
    try:
        invitation, raw = create_invitation(session, g.org, g.membership, email=form.email.data,
                                            role=form.role.data,
                                            days=int(current_app.config.get("INVITATION_DAYS", 7)))
        send_invitation(session, invitation, raw, current_user)
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return render_members_page(getattr(problems, "status", 400), invite_form=form)
    link = url_for("members.invitation", token=raw, _external=True)
    return render_template("members/invitation_created.html", invitation=invitation, link=link,
                           role_labels=ROLE_LABELS), 201


@bp.post("/o/<org>/members/invitations/<int:invitation_id>/revoke")
@org_member_required(admin=True)
def revoke_invite(invitation_id: int):
    invitation = invitation_in(db_session(), g.org.id, invitation_id)
    if invitation is None:
        abort(404, "There is no such invitation in this organization.")
    try:
        revoke_invitation(invitation)
        db_session().commit()
    except AccountError as exc:
        return refuse(exc)
    flash(f"The invitation for {invitation.email} is withdrawn; its link no longer works.", "success")
    return redirect(url_for("members.index"))


def _usable_or_abort(token: str) -> Invitation:
    try:
        return usable_invitation(db_session(), token)
    except MembershipError as exc:
        abort(exc.status, str(exc))


def _invitation_page(invitation: Invitation, token: str, status: int = 200, refusal: str | None = None,
                     form: InvitationSignupForm | None = None):
    has_account = db_session().scalar(select(User.id).where(func.lower(User.email) == invitation.email))
    return render_template("members/invitation.html", invitation=invitation, token=token,
                           refusal=refusal, has_account=has_account is not None,
                           form=form or InvitationSignupForm(formdata=None),
                           role_labels=ROLE_LABELS, min_password=MIN_PASSWORD_LENGTH), status


@bp.get("/invite/<token>")
def invitation(token: str):
    invitation = _usable_or_abort(token)
    if current_user.is_authenticated:
        try:
            check_can_accept(db_session(), invitation, current_user)
        except MembershipError as exc:
            return _invitation_page(invitation, token, exc.status, refusal=str(exc))
    return _invitation_page(invitation, token)


@bp.post("/invite/<token>")
@login_required
def accept(token: str):
    invitation = _usable_or_abort(token)
    session = db_session()
    org_slug, org_name = invitation.org.slug, invitation.org.name
    try:
        accept_invitation(session, invitation, current_user)
        session.commit()
    except MembershipError as exc:
        session.rollback()
        return _invitation_page(invitation, token, exc.status, refusal=str(exc))
    except IntegrityError:
        session.rollback()
        return _invitation_page(invitation, token, 409, refusal=f"You are already a member of {org_name}.")
    flash(f"Welcome to {org_name}.", "success")
    return redirect(url_for("home.org_home", org=org_slug))


@bp.post("/invite/<token>/signup")
def invitation_signup(token: str):
    """Create the invited person's account (no organization of their own) and accept at once."""
    if current_user.is_authenticated:
        return redirect(url_for("members.invitation", token=token))
    invitation = _usable_or_abort(token)
    org_slug, org_name = invitation.org.slug, invitation.org.name
    form = InvitationSignupForm()
    if not form.validate_on_submit():
        return _invitation_page(invitation, token, 400, form=form)
    session = db_session()
    try:
        with acting_as("user", None, invitation.email):  # the account is the invitee's own doing
            user = create_user(session, email=invitation.email, password=form.password.data, name=form.name.data)
        accept_invitation(session, invitation, user)
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)  # the email is the invitation's, not a field: its problem goes on top
        return _invitation_page(invitation, token, getattr(problems, "status", 400), form=form)
    except IntegrityError:
        session.rollback()
        form.form_errors.append("An account with this email was created a moment ago. Sign in instead.")
        return _invitation_page(invitation, token, 409, form=form)
    login_user(user)
    flash(f"Welcome to Trial Office and to {org_name}.", "success")
    return redirect(url_for("home.org_home", org=org_slug))
