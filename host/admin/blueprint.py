"""The platform console's blueprint. Everyone but a platform admin gets 404: the console
does not reveal that it exists."""
from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_login import current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Rows per page of the console's lists (admins scan long lists).
PER_PAGE = 50


@bp.before_request
def platform_admins_only():
    if not (current_user.is_authenticated and current_user.is_platform_admin):
        abort(404)


def registry():
    return current_app.extensions["trialoffice.registry"]
