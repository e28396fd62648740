"""Idle timeout: a browser session unused for IDLE_TIMEOUT_MINUTES ends, and with it the
continuous session in which a signer may sign with the password alone (21 CFR 11.200)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user

from sdk.models import utcnow

from ..auth import uses_bearer_token
from ..orgctx import wants_json

LAST_SEEN_KEY = "last_seen_at"


def init_idle_timeout(app: Flask) -> None:
    app.config.setdefault("IDLE_TIMEOUT_MINUTES", 30)

    @app.before_request
    def end_idle_sessions():
        if request.endpoint == "static" or uses_bearer_token():
            return None
        if not current_user.is_authenticated:
            return None
        now = utcnow()
        last_seen = session.get(LAST_SEEN_KEY)
        limit = timedelta(minutes=int(app.config["IDLE_TIMEOUT_MINUTES"]))
        if last_seen and now - datetime.fromisoformat(last_seen) > limit:
            logout_user()
            session.clear()
            message = "Your session ended after a period of inactivity. Please sign in again."
            if wants_json():
                return jsonify(error="session_expired", message=message), 401
            flash(message, "info")
            return redirect(url_for("auth.login", next=request.full_path))
        session[LAST_SEEN_KEY] = now.isoformat()
        return None
