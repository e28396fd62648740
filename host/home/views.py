"""The start page, the organization switcher and the organization home with tool widgets."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sdk.services import UserRef
from sdk.views import Widget

from ..orgctx import org_member_required, org_ref
from ..runtime.dispatch import call_each
from ..templating import serving_tools, user_orgs

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
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
    panels = []
    for result in call_each(registry, "dashboard_widgets", serving_tools(), org_id=org.id,
                            item_type=Widget, org=org_ref(org), user=user):
        manifest = registry.manifest(result.key)
        if not result.ok:
            panels.append({"tool": result.key, "title": manifest.name, "error": True, "order": 999})
            continue
        for widget in result.value or []:
            panels.append({"tool": result.key, "title": widget.title, "html": widget.html,
                           "order": widget.order, "error": False})
    panels.sort(key=lambda p: (p["order"], p["title"]))
    return render_template("home/org_home.html", panels=panels)
