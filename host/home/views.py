"""The start page, the organization switcher and the organization home with tool widgets."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sdk.services import UserRef

from ..licensing import trial_days
from ..orgctx import org_member_required, org_ref
from ..templating import serving_tools, user_orgs
from .roadmap import coming_tools
from .widgets import dashboard_panels

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        tools = [record.manifest for record in current_app.extensions["trialoffice.registry"].available()]
        return render_template("home/welcome.html", tools=sorted(tools, key=lambda m: m.name),
                               coming=coming_tools({m.key for m in tools}), trial_days=trial_days)
    memberships = user_orgs()
    if len(memberships) == 1:
        return redirect(url_for("home.org_home", org=memberships[0].org.slug))
    return render_template("home/choose_org.html", memberships=memberships)


@bp.get("/switch")
@login_required
def switch():
    slug = request.args.get("org", "")
    if not any(m.org.slug == slug for m in user_orgs()):
        abort(404)
    return redirect(url_for("home.org_home", org=slug))


@bp.get("/o/<org>/")
@org_member_required
def org_home():
    org = g.org
    user = UserRef(current_user.id, current_user.email, current_user.name, current_user.timezone)
    registry = current_app.extensions["trialoffice.registry"]
    panels = dashboard_panels(registry, serving_tools(), org, org_ref(org), user)
    return render_template("home/org_home.html", panels=panels)
