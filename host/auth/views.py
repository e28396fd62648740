"""Sign-up, sign-in (throttled across processes) and sign-out."""
from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts_service import AccountError, normalize_email, sign_up
from ..compliance.actor import acting_as
from ..compliance.trail import record_event
from ..db import db_session
from ..models import ORG_TYPES, User
from .forms import field, safe_next_url, secret_field
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


def _login_page(status: int = 200, *, email: str = "", next_url: str | None = None):
    return render_template("auth/login.html", email=email, next_url=next_url), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next_url(request.values.get("next"))
    if request.method != "POST":
        if current_user.is_authenticated:
            return redirect(next_url or url_for("home.index"))
        return _login_page(next_url=next_url)
    email = normalize_email(field("email", 254))
    password = secret_field("password")
    if not email or not password:
        flash("Enter your email and password.", "error")
        return _login_page(400, email=email, next_url=next_url)
    session = db_session()
    remote_addr = request.remote_addr or ""
    refusal = login_refusal(session, email, remote_addr, ThrottleLimits.from_config(current_app.config))
    if refusal is not None:
        record_event(session, org_id=None, tool="host", entity_type="user", entity_id=email,
                     action="login_throttled", reason=refusal.message)
        session.commit()
        flash(refusal.message, "error")
        response = make_response(_login_page(429, email=email, next_url=next_url))
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
        flash(DEACTIVATED if deactivated else WRONG_CREDENTIALS, "error")
        return _login_page(403 if deactivated else 400, email=email, next_url=next_url)
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


def _signup_values() -> dict:
    return {"name": field("name"), "email": field("email"), "org_name": field("org_name"),
            "slug": field("slug").lower(), "org_type": field("org_type")}


def _signup_page(values: dict, status: int = 200):
    return render_template("auth/signup.html", values=values, org_types=ORG_TYPES,
                           min_password=MIN_PASSWORD_LENGTH), status


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.new_org"))
    values = _signup_values()
    if request.method != "POST":
        return _signup_page(values)
    session = db_session()
    try:
        with acting_as("user", None, normalize_email(values["email"])):  # not signed in yet
            user, org = sign_up(session, name=values["name"], email=values["email"],
                                password=secret_field("password"), org_name=values["org_name"],
                                slug=values["slug"], org_type=values["org_type"])
            session.commit()
    except AccountError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _signup_page(values, 400)
    except IntegrityError:
        session.rollback()
        flash(RACE_MESSAGE, "error")
        return _signup_page(values, 409)
    login_user(user)
    flash(f"Welcome to Trial Office. {org.name} is ready.", "success")
    return redirect(url_for("home.org_home", org=org.slug))
