"""The "My tools" page: each tool's license and switch in one organization, and the actions.

Any member may look; only owners and admins may change anything. A change bumps the
organization's ``tools_version``, so it takes effect on the next request in every process.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import licensing
from ..db import db_session
from ..orgctx import org_member_required
from .blueprint import bp
from .states import tool_rows


def _render_my_tools(status: int = 200):
    registry = current_app.extensions["trialoffice.registry"]
    states = current_app.extensions["trialoffice.tool_states"].states(db_session(), g.org)
    available = [r.manifest for r in registry.available()]
    available_keys = {m.key for m in available}
    withdrawn = sorted(k for k, s in states.items() if k not in available_keys and s.license_status)
    return render_template("catalog/my_tools.html", rows=tool_rows(available, states),
                           withdrawn=withdrawn, can_change=g.membership.is_admin,
                           open_urls=_tool_home_urls(available_keys)), status


def _tool_home_urls(keys: set[str]) -> dict[str, str]:
    """Each tool's page at ``/o/<org>/<key>/``, for the tools whose blueprint has one."""
    roots = {f"/o/<org>/{key}/": key for key in keys}
    found = {roots[r.rule]: r.endpoint for r in current_app.url_map.iter_rules()
             if r.rule in roots and "GET" in (r.methods or ())}
    return {key: url_for(endpoint) for key, endpoint in found.items()}


@bp.get("/o/<org>/tools")
@org_member_required
def my_tools():
    return _render_my_tools()


def _apply(key: str, change, done: str):
    """Run ``change(session, org, key, actor)``; commit and redirect, or flash why not."""
    manifest = current_app.extensions["trialoffice.registry"].manifest(key)
    if manifest is None:
        abort(404, "There is no such tool.")
    session = db_session()
    try:
        change(session, g.org, key, current_user._get_current_object())
        session.commit()
    except licensing.LicensingError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _render_my_tools(422)
    except IntegrityError:
        session.rollback()
        flash(f"{manifest.name} was changed by someone else at the same time. Try again.", "error")
        return _render_my_tools(409)
    flash(done.format(name=manifest.name), "success")
    return redirect(url_for("catalog.my_tools"), 303)


@bp.post("/o/<org>/tools/<key>/trial")
@org_member_required(admin=True)
def start_trial(key: str):
    return _apply(key, licensing.start_trial, "Your free trial of {name} has started and the tool is on.")


@bp.post("/o/<org>/tools/<key>/enable")
@org_member_required(admin=True)
def enable_tool(key: str):
    return _apply(key, lambda s, org, k, actor: licensing.set_enabled(s, org, k, True, actor),
                  "{name} is now enabled for this organization.")


@bp.post("/o/<org>/tools/<key>/disable")
@org_member_required(admin=True)
def disable_tool(key: str):
    return _apply(key, lambda s, org, k, actor: licensing.set_enabled(s, org, k, False, actor),
                  "{name} is now disabled for this organization.")
