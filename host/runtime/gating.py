"""Mounting tool blueprints and checking, before any tool view runs, that it may run.

The order of checks is fixed: signed in (else login / 401), member (else 404), tool installed
(else 404), licensed and enabled, or covered by a record another organization shared with this
one (else a page on how to get it / JSON 402), a seat when licensed per seat (else 403), the
view's permission (else 403).
"""
from __future__ import annotations

from flask import Flask, abort, current_app, g, jsonify, render_template, request
from flask_login import current_user

from sdk.views import required_permission

from ..billing.seats import holds_seat
from ..db import db_session
from ..licensing import suspension_message
from ..models import ENTITLED_STATUSES
from ..orgctx import load_org, wants_json
from ..permissions import has_tool_permission
from ..sharing.coverage import SHARED_ACCESS, covering_owner
from .dispatch import call_available

TOOL_PREFIX = "/o/<org>/{key}"
TOOL_API_PREFIX = "/api/v1/o/<org>/{key}"


def mount_tools(app: Flask, registry) -> None:
    for result in call_available(registry, "tool_blueprint"):
        _mount(app, registry, result, TOOL_PREFIX, name=result.key)
    for result in call_available(registry, "tool_api_blueprint"):
        _mount(app, registry, result, TOOL_API_PREFIX, name=f"api_{result.key}")


def _mount(app: Flask, registry, result, prefix: str, name: str) -> None:
    if not result.ok:
        registry.mark_unavailable(result.key, f"blueprint failed: {result.error}")
        return
    if result.value is None:
        return
    try:
        app.register_blueprint(result.value, url_prefix=prefix.format(key=result.key), name=name)
    except Exception as exc:
        registry.records[result.key].count_failure("mount")
        registry.mark_unavailable(result.key, f"blueprint could not be mounted: {type(exc).__name__}: {exc}")
        return
    # First in line, so that no before_request of the tool itself runs ahead of the gate.
    app.before_request_funcs.setdefault(name, []).insert(0, lambda key=result.key: gate_tool(key))
    app.extensions["trialoffice.tool_blueprints"][name] = result.key


def gate_tool(key: str):
    """Run before every view of tool ``key``; returns a response to stop the view."""
    org, membership = load_org(g.org_slug)
    registry = current_app.extensions["trialoffice.registry"]
    if registry.get(key) is None:
        abort(404)
    state = current_app.extensions["trialoffice.tool_states"].state(db_session(), org, key)
    g.tool_key = key
    g.tool_access = "licensed"
    if not state.serves():
        if covering_owner(db_session(), org.id, key) is None:
            return _not_serving(key, state)
        g.tool_access = SHARED_ACCESS  # the owner of the records shared with this org pays
    elif _needs_seat(registry, key, state) and not holds_seat(db_session(), org.id, key, current_user.id):
        name = registry.manifest(key).name
        abort(403, f"{name} is licensed per seat and none of its {state.seats} seats is assigned to you. "
                   "Ask an organization admin to assign you a seat on the billing page.")
    view = current_app.view_functions.get(request.endpoint)
    permission = required_permission(view) if view else None
    if permission and not has_tool_permission(membership, key, permission):
        abort(403, f"You need the permission '{permission}' of this tool. Ask an organization admin.")
    return None


def _needs_seat(registry, key: str, state) -> bool:
    """Paid per-seat licenses admit seat holders only; a trial admits every member."""
    if state.license_status not in ("active", "grace"):
        return False
    plan = registry.manifest(key).plan(state.plan_code or "")
    return bool(plan and plan.per_seat)


def not_serving_message(name: str, state) -> str:
    """Why tool ``name`` does not serve this organization, and what an admin can do about it."""
    if state.license_status is None:
        return (f"{name} is not licensed for this organization. "
                "An organization admin can start a free trial or buy it in the marketplace.")
    if state.license_status not in ENTITLED_STATUSES:
        return (f"The license for {name} in this organization is {state.license_status}. "
                "An organization admin can renew it in the marketplace.")
    if not state.entitled():
        return (f"The license for {name} in this organization has expired. "
                "An organization admin can renew it in the marketplace.")
    return (f"{name} is licensed but switched off for this organization. "
            "An organization admin can enable it under My tools.")


def _not_serving(key: str, state):
    manifest = current_app.extensions["trialoffice.registry"].manifest(key)
    message = not_serving_message(manifest.name, state)
    if state.license_status == "suspended":  # why, and whom to ask: the owner cannot lift it
        message = suspension_message(db_session(), g.org, key, manifest.name)
    if wants_json():
        return jsonify(error="tool_unavailable", message=message, tool=key), 402
    return render_template("tools/not_available.html", manifest=manifest, state=state,
                           message=message), 402
