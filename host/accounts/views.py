"""The signed-in user's own account: name, time zone, password, and new organizations."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError

from ..accounts_service import AccountError, change_password, create_organization, update_profile
from ..auth.passwords import MIN_PASSWORD_LENGTH
from ..compliance.trail import record_event
from ..db import db_session
from .forms import NewOrganizationForm, PasswordForm, ProfileForm

bp = Blueprint("accounts", __name__)


def _profile_page(status: int = 200, *, profile: ProfileForm | None = None, password: PasswordForm | None = None):
    """The account page; of its two forms, the one not posted shows the stored values (not
    ``request.form``, which belongs to the other)."""
    profile = profile or ProfileForm(formdata=None, obj=current_user)
    password = password or PasswordForm(formdata=None)
    return render_template("accounts/profile.html", profile_form=profile, password_form=password,
                           min_password=MIN_PASSWORD_LENGTH), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    if request.method != "POST":
        return _profile_page()
    form = ProfileForm()
    if not form.validate_on_submit():
        return _profile_page(400, profile=form)
    session = db_session()
    try:
        update_profile(current_user, name=form.name.data, timezone=form.timezone.data)
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return _profile_page(400, profile=form)
    flash("Your profile is saved.", "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/password")
@login_required
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _profile_page(400, password=form)
    session = db_session()
    try:
        change_password(current_user, current=form.current_password.data, new=form.new_password.data,
                        confirm=form.confirm_password.data)
        record_event(session, org_id=None, tool="host", entity_type="user",
                     entity_id=str(current_user.id), action="password_changed")
        session.commit()
        login_user(current_user._get_current_object())  # this session goes on; the others end
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return _profile_page(400, password=form)
    flash("Your password is changed.", "success")
    return redirect(url_for("accounts.profile"))


def _new_org_page(form: NewOrganizationForm, status: int = 200):
    return render_template("accounts/new_org.html", form=form), status


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new_org():
    form = NewOrganizationForm()
    if request.method != "POST":
        return _new_org_page(form)
    if not form.validate_on_submit():
        return _new_org_page(form, 400)
    session = db_session()
    try:
        org = create_organization(session, slug=form.slug.data, name=form.org_name.data,
                                  type=form.org_type.data, owner=current_user)
        session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return _new_org_page(form, 400)
    except IntegrityError:
        session.rollback()
        form.absorb(AccountError("That short name was taken a moment ago. Choose another.", "slug"))
        return _new_org_page(form, 409)
    flash(f"{org.name} is ready. You are its owner.", "success")
    return redirect(url_for("home.org_home", org=org.slug))
