"""Sign-in for people (session cookie, Flask-Login) and programs (Bearer API tokens)."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import update

from sdk.models import utcnow

from ..db import db_session, get_db
from ..models import ApiToken, User
from .tokens import find_active_token

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"
csrf = CSRFProtect()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """``session_id`` is ``User.get_id()``: the id and the session version it was issued under."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    if not uses_bearer_token():
        return None
    header = req.headers.get("Authorization", "")
    session = db_session()
    token = find_active_token(session, header[7:].strip())
    if token is None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    _note_token_use(token)
    g.api_token = token
    return user


def _note_token_use(token) -> None:
    """Stamp ``last_used_at`` (at most once a minute) on its own connection: the user is being
    loaded, and a flush of the request's session here would re-enter the loader."""
    now = utcnow()
    if token.last_used_at and now - token.last_used_at < timedelta(minutes=1):
        return
    with get_db().engine.begin() as connection:
        connection.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == token.id)
                           .values(last_used_at=now))
    db_session().expire(token, ["last_used_at"])


def uses_bearer_token() -> bool:
    """API tokens work under /api/ only; elsewhere a page needs a signed-in session."""
    header = request.headers.get("Authorization", "")
    return request.path.startswith("/api/") and header.startswith("Bearer ")


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)

    @app.before_request
    def protect_forms():
        """CSRF on every cookie-authenticated write; Bearer-token API calls carry no cookie, and an
        API call signed in by neither gets the API's 401, not the form's "expired" 400."""
        if (request.method in app.config["WTF_CSRF_METHODS"]
                and app.config.get("WTF_CSRF_ENABLED", True) and not uses_bearer_token()
                and not _anonymous_api_call()):
            csrf.protect(apply_exemptions=True)  # honours @csrf.exempt (the Stripe webhook)


def _anonymous_api_call() -> bool:
    """No session to ride on: a forged cross-site request could do nothing the API refuses anyway."""
    return request.path.startswith("/api/") and not current_user.is_authenticated
