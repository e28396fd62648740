"""The platform console's blueprint. Everyone but a platform admin gets 404: the console
does not reveal that it exists."""
from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_login import current_user

from ..licensing import LicensingError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def platform_admins_only():
    if not (current_user.is_authenticated and current_user.is_platform_admin):
        abort(404)


def registry():
    return current_app.extensions["trialoffice.registry"]


def form_int(form, name: str, label: str) -> int | None:
    """An optional whole number from a form; a clear refusal when it is not one."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise LicensingError(f"{label} must be a whole number.") from None
