"""The public marketplace: every available tool, searchable, and one page per tool."""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from sdk.tenancy import all_organizations

from ..billing.forms import BuyChoiceForm
from ..billing.quote import plan_offers
from ..db import db_session
from ..licensing import trial_days
from ..models import License
from ..templating import user_orgs
from . import my_tools  # noqa: F401  (registers the "My tools" routes on bp)
from .blueprint import bp
from .forms import MarketplaceFilterForm
from .search import filter_tools

__all__ = ["bp"]


def _registry():
    return current_app.extensions["trialoffice.registry"]


@bp.get("/marketplace")
def marketplace():
    form = MarketplaceFilterForm.for_request(request.args)
    query, category = form.q.data, form.category.data
    manifests = [r.manifest for r in _registry().available()]
    tools = filter_tools(manifests, query, category)
    return render_template("catalog/marketplace.html", tools=tools, query=query, category=category, form=form,
                           trial_days=trial_days)


@bp.get("/marketplace/<key>")
def tool(key: str):
    manifest = _registry().manifest(key)
    if manifest is None:
        abort(404, "There is no such tool in the marketplace.")
    works_with = [(k, _registry().manifest(k)) for k in manifest.works_with]
    admin_orgs = _admin_orgs_for(key)
    orgs = [org for org, _ in admin_orgs]
    buy_forms = [(plan, BuyChoiceForm.for_plan(plan, plan_offers(plan), orgs)) for plan in manifest.plans] \
        if orgs else []
    return render_template("catalog/tool.html", manifest=manifest, works_with=works_with,
                           trial_days=trial_days(manifest), admin_orgs=admin_orgs, buy_forms=buy_forms)


def _admin_orgs_for(key: str) -> list[tuple]:
    """The signed-in user's organizations they administer, each with whether it holds ``key``."""
    if not current_user.is_authenticated:
        return []
    orgs = [m.org for m in user_orgs() if m.is_admin]
    if not orgs:
        return []
    with all_organizations():
        licensed = set(db_session().scalars(
            select(License.org_id).where(License.tool_key == key,
                                         License.org_id.in_([o.id for o in orgs]))))
    return [(org, org.id in licensed) for org in orgs]
