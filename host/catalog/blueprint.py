"""The catalog's blueprint: the public marketplace and each organization's "My tools"."""
from flask import Blueprint, current_app, g

from ..db import db_session
from ..licensing import suspension_reason

bp = Blueprint("catalog", __name__)


def _suspension_reason_of(tool_key: str) -> str | None:
    """Why the current organization's license of ``tool_key`` is suspended (None: it is not)."""
    org = getattr(g, "org", None)
    return suspension_reason(db_session(), org, tool_key) if org is not None else None


@bp.app_context_processor
def license_help():
    """What every page needs to tell an organization why a license is suspended and whom to ask."""
    return {"support_email": current_app.config.get("SUPPORT_EMAIL") or "support@localhost",
            "suspension_reason_of": _suspension_reason_of}
