"""In-app notifications with email: the host's side of :mod:`sdk.notifications`."""
from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from ..db import db_session
from .mail import mailer_from_config
from .service import MAILER_KEY, unread_count
from .tool_notifications import HostNotifications

__all__ = ["HostNotifications", "init_notifications"]


def unread_notifications() -> int:
    """The signed-in person's unread count for the header, counted once per request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(db_session(), current_user.id)
    return g.unread_notifications


def init_notifications(app: Flask) -> None:
    """The configured mailer and the header's unread count (email leaves on commit:
    :mod:`host.after_commit`, installed by the app factory)."""
    app.extensions[MAILER_KEY] = mailer_from_config(app.config)
    app.jinja_env.globals["unread_notifications"] = unread_notifications
