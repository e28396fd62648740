"""The signed-in user's own account: name, time zone, password, and new organizations."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError

from ..accounts_service import (
    AccountError,
    available_timezones,
    change_password,
    create_organization,
    slug_from_name,
    update_profile,
)
from ..auth.forms import field, secret_field
from ..auth.passwords import MIN_PASSWORD_LENGTH
from ..compliance.trail import record_event
from ..db import db_session
from ..models import ORG_TYPES

bp = Blueprint("accounts", __name__)


def _profile_page(status: int = 200, values: dict | None = None):
    values = values or {"name": current_user.name, "timezone": current_user.timezone}
    return render_template("accounts/profile.html", values=values, timezones=available_timezones(),
                           min_password=MIN_PASSWORD_LENGTH), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    if request.method != "POST":
        return _profile_page()
    values = {"name": field("name"), "timezone": field("timezone")}
    session = db_session()
    try:
        update_profile(current_user, name=values["name"], timezone=values["timezone"])
        session.commit()
    except AccountError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _profile_page(400, values)
    flash("Your profile is saved.", "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/password")
@login_required
def password():
    session = db_session()
    try:
        change_password(current_user, current=secret_field("current_password"),
                        new=secret_field("new_password"), confirm=secret_field("confirm_password"))
        record_event(session, org_id=None, tool="host", entity_type="user",
                     entity_id=str(current_user.id), action="password_changed")
        session.commit()
        login_user(current_user._get_current_object())  # this session goes on; the others end
    except AccountError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _profile_page(400)
    flash("Your password is changed.", "success")
    return redirect(url_for("accounts.profile"))


def _new_org_page(values: dict, status: int = 200):
    return render_template("accounts/new_org.html", values=values, org_types=ORG_TYPES), status


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new_org():
    values = {"org_name": field("org_name"), "slug": field("slug").lower(), "org_type": field("org_type")}
    if request.method != "POST":
        return _new_org_page(values)
    session = db_session()
    try:
        org = create_organization(session, slug=values["slug"] or slug_from_name(values["org_name"]),
                                  name=values["org_name"], type=values["org_type"], owner=current_user)
        session.commit()
    except AccountError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _new_org_page(values, 400)
    except IntegrityError:
        session.rollback()
        flash("That short name was taken a moment ago. Choose another.", "error")
        return _new_org_page(values, 409)
    flash(f"{org.name} is ready. You are its owner.", "success")
    return redirect(url_for("home.org_home", org=org.slug))
