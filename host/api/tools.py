"""``/api/v1/o/<org>/tools``: each tool's license and switch, and the trial/enable/disable actions.

The same service functions as the "My tools" page (``host.licensing``), so the API applies the
same rules and records the same history.
"""
from __future__ import annotations

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from sdk.models import utcnow

from .. import licensing
from ..db import db_session
from ..licensing import LicensingError
from ..orgctx import org_member_required
from .base import ApiBlueprint, error_documenter
from .schemas import OrgToolSchema, OrgToolsSchema

blp = ApiBlueprint("api-org-tools", __name__, url_prefix="/api/v1/o/<org>", tag="Organization tools",
                   description="An organization's tools: license, switch, trial.")
ERRORS = {401: "Not signed in, or the token is invalid or revoked",
          403: "Only owners and admins of the organization may do this",
          404: "No such organization for this caller (or token), or no such tool",
          409: "The tool's license state does not allow it; the message says why",
          422: "The tool does not offer it, e.g. it has no free trial"}


def _registry():
    return current_app.extensions["trialoffice.registry"]


documents_errors = error_documenter(blp, ERRORS)


def tool_status(org, manifest) -> dict:
    state = current_app.extensions["trialoffice.tool_states"].state(db_session(), org, manifest.key)
    now = utcnow()
    return {"key": manifest.key, "name": manifest.name, "license_status": state.license_status,
            "plan": state.plan_code, "seats": state.seats, "valid_until": state.valid_until,
            "trial_ends_at": state.trial_ends_at, "entitled": state.entitled(now),
            "enabled": state.enabled, "serving": state.serves(now)}


@blp.route("/tools", methods=["GET"])
@blp.response(200, OrgToolsSchema)
@documents_errors(401, 404)
@org_member_required
def list_org_tools():
    """List the organization's tools

    Every available tool with the organization's license (status, plan, seats, end dates in
    UTC) and its enabled switch; ``serving`` is true when the tool can be used now.
    """
    manifests = sorted((r.manifest for r in _registry().available()), key=lambda m: m.key)
    return {"org": g.org.slug, "tools": [tool_status(g.org, m) for m in manifests]}


def _act(key: str, action, *, refused_unlicensed: int = 409) -> dict:
    """Run ``action(session, org, key, actor)`` and commit; a refusal is 409 when it is about
    the license the organization holds, else ``refused_unlicensed``."""
    manifest = _registry().manifest(key)
    if manifest is None:
        abort(404, f"There is no available tool '{key}'.")
    session = db_session()
    try:
        action(session, g.org, key, current_user._get_current_object())
        session.commit()
    except LicensingError as exc:
        session.rollback()
        held = licensing.get_license(session, g.org, key) is not None
        abort(409 if held else refused_unlicensed, str(exc))
    except IntegrityError:
        session.rollback()
        abort(409, f"{manifest.name} was changed by someone else at the same time. Try again.")
    return tool_status(g.org, manifest)


def _enable(session, org, key, actor):
    licensing.set_enabled(session, org, key, True, actor)


def _disable(session, org, key, actor):
    licensing.set_enabled(session, org, key, False, actor)


@blp.route("/tools/<key>/trial", methods=["POST"])
@blp.response(201, OrgToolSchema)
@documents_errors(401, 403, 404, 409, 422)
@org_member_required(admin=True)
def start_trial(key: str):
    """Start the free trial of a tool

    Once per tool and organization; the tool is switched on at once. Owners and admins only.
    """
    return _act(key, licensing.start_trial, refused_unlicensed=422)


@blp.route("/tools/<key>/enable", methods=["POST"])
@blp.response(200, OrgToolSchema)
@documents_errors(401, 403, 404, 409)
@org_member_required(admin=True)
def enable_tool(key: str):
    """Switch a tool on for the organization

    Needs a trial or a license; takes effect on the next request. Owners and admins only.
    """
    return _act(key, _enable)


@blp.route("/tools/<key>/disable", methods=["POST"])
@blp.response(200, OrgToolSchema)
@documents_errors(401, 403, 404, 409)
@org_member_required(admin=True)
def disable_tool(key: str):
    """Switch a tool off for the organization

    The license is kept; the tool stops serving on the next request. Owners and admins only.
    """
    return _act(key, _disable)
