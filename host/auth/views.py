"""Sign-up, sign-in (throttled across processes) and sign-out."""
from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sdk.forms import InputProblems

from ..accounts_service import EMAIL_MAX_LENGTH, AccountError, normalize_email, sign_up
from ..compliance.actor import acting_as
from ..compliance.trail import record_event
from ..db import db_session
from ..models import User
from .forms import LoginForm, SignupForm, safe_next_url
from .passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from .throttle import ThrottleLimits, login_refusal, prune_now_and_then, record_attempt

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "The email or password is wrong."
DEACTIVATED = ("This account is deactivated. Ask an administrator of your organization "
               "or of the platform to reactivate it.")
RACE_MESSAGE = "That email or short name was taken a moment ago. Choose another and try again."


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password 0")


def user_with_password(session, email: str, password: str) -> User | None:
    """The user with this email and password, active or not, or None; as slow for unknown emails.

    The caller refuses a deactivated user: saying so only after the right password tells a
    guesser nothing."""
    user = session.scalar(select(User).where(User.email == email))  # stored lower-case
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


def audit_sign_in(session, email: str, user, *, reason: str | None = None) -> None:
    """Sign-ins and failed sign-ins go to the platform's chain (21 CFR 11 / ICH E6 4.2)."""
    if user is None:
        record_event(session, org_id=None, tool="host", entity_type="user", entity_id=email,
                     action="login_failed", reason=reason)
        return
    with acting_as("user", str(user.id), user.email):
        record_event(session, org_id=None, tool="host", entity_type="user", entity_id=str(user.id),
                     action="login")


def _login_page(form: LoginForm, status: int = 200, *, next_url: str | None = None):
    return render_template("auth/login.html", form=form, next_url=next_url), status


def _refuse_sign_in(form: LoginForm, message: str, status: int, next_url: str | None):
    """The sign-in page again with ``message`` at the top (it concerns no one field)."""
    form.form_errors.append(message)
    return _login_page(form, status, next_url=next_url)


def _missing(form: LoginForm) -> bool:
    """Put "enter ..." beside each empty field; True if there was one."""
    problems = InputProblems()
    if not (form.email.data or "").strip():
        problems.add("email", "Enter your email address.")
    if not form.password.data:
        problems.add("password", "Enter your password.")
    form.absorb(problems)
    return bool(problems.items)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next_url(request.values.get("next"))
    form = LoginForm()
    if request.method != "POST":
        if current_user.is_authenticated:
            return redirect(next_url or url_for("home.index"))
        return _login_page(form, next_url=next_url)
    if not form.validate_on_submit() or _missing(form):
        return _login_page(form, 400, next_url=next_url)
    email = normalize_email(form.email.data)[:EMAIL_MAX_LENGTH]
    password = form.password.data
    session = db_session()
    remote_addr = request.remote_addr or ""
    refusal = login_refusal(session, email, remote_addr, ThrottleLimits.from_config(current_app.config))
    if refusal is not None:
        record_event(session, org_id=None, tool="host", entity_type="user", entity_id=email,
                     action="login_throttled", reason=refusal.message)
        session.commit()
        response = make_response(_refuse_sign_in(form, refusal.message, 429, next_url))
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    user = user_with_password(session, email, password)
    deactivated = user is not None and not user.is_active
    if deactivated:
        user = None
    record_attempt(session, email, remote_addr, succeeded=user is not None)
    audit_sign_in(session, email, user, reason="account deactivated" if deactivated else None)
    prune_now_and_then(session)
    session.commit()
    if user is None:
        return _refuse_sign_in(form, DEACTIVATED if deactivated else WRONG_CREDENTIALS,
                               403 if deactivated else 400, next_url)
    login_user(user)
    return redirect(next_url or url_for("home.index"))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        session = db_session()
        record_event(session, org_id=None, tool="host", entity_type="user", entity_id=str(current_user.id),
                     action="logout")
        session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("home.index"))


def _signup_page(form: SignupForm, status: int = 200):
    return render_template("auth/signup.html", form=form, min_password=MIN_PASSWORD_LENGTH), status


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.new_org"))
    form = SignupForm()
    if request.method != "POST":
        return _signup_page(form)
    if not form.validate_on_submit():
        return _signup_page(form, 400)
    session = db_session()
    try:
        with acting_as("user", None, normalize_email(form.email.data)):  # not signed in yet
            user, org = sign_up(session, name=form.name.data, email=form.email.data,
                                password=form.password.data, org_name=form.org_name.data,
                                slug=form.slug.data, org_type=form.org_type.data)
            session.commit()
    except AccountError as problems:
        session.rollback()
        form.absorb(problems)
        return _signup_page(form, 400)
    except IntegrityError:
        session.rollback()
        form.form_errors.append(RACE_MESSAGE)
        return _signup_page(form, 409)
    login_user(user)
    flash(f"Welcome to Trial Office. {org.name} is ready.", "success")
    return redirect(url_for("home.org_home", org=org.slug))
