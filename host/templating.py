"""What every page template gets: the org switcher, the tools' navigation, money and time."""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, g, url_for
from flask_login import current_user
from sqlalchemy import select

from sdk.icons import ICON_NAMES
from sdk.manifest import CATEGORIES, format_money
from sdk.services import UserRef
from sdk.views import NavItem

from .db import db_session
from .icons import icon, tool_icon
from .models import Membership
from .orgctx import org_ref
from .runtime.dispatch import call_each

log = logging.getLogger(__name__)


def user_orgs() -> list[Membership]:
    if not current_user.is_authenticated:
        return []
    if "user_memberships" not in g:
        g.user_memberships = list(db_session().scalars(
            select(Membership).where(Membership.user_id == current_user.id)))
    return sorted(g.user_memberships, key=lambda m: m.org.name.lower())


def serving_tools() -> list[str]:
    """Keys of the tools that serve the current organization (installed, licensed, enabled)."""
    org = g.get("org")
    if org is None:
        return []
    ext = current_app.extensions
    available = {r.key for r in ext["trialoffice.registry"].available()}
    return ext["trialoffice.tool_states"].serving_keys(db_session(), org, available)


def tool_navigation() -> list[dict]:
    org = g.get("org")
    if org is None or not current_user.is_authenticated:
        return []
    user = UserRef(current_user.id, current_user.email, current_user.name, current_user.timezone)
    registry = current_app.extensions["trialoffice.registry"]
    items = []
    for result in call_each(registry, "navigation_items", serving_tools(), org_id=org.id,
                            item_type=NavItem, org=org_ref(org), user=user):
        for item in (result.value or []) if result.ok else []:
            try:
                href = url_for(item.endpoint)
            except Exception:
                registry.records[result.key].count_failure("navigation_items")
                log.warning("tool %s links to unknown endpoint %r", result.key, item.endpoint)
                continue
            order = item.order if isinstance(item.order, int) else 100
            items.append({"label": str(item.label), "href": href, "order": order, "tool": result.key,
                          "icon": _nav_icon(item, registry.manifest(result.key))})
    return sorted(items, key=lambda i: (i["order"], i["label"]))


def _nav_icon(item: NavItem, manifest) -> str:
    """The item's icon, else the tool's (from the manifest); "" when neither is in the set."""
    for name in (item.icon, getattr(manifest, "icon", "")):
        if isinstance(name, str) and name in ICON_NAMES:
            return name
    return ""


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC time shown in the user's zone, with the zone named."""
    if value is None:
        return ""
    zone_name = current_user.timezone if current_user.is_authenticated else "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    return f"{value.astimezone(zone).strftime(fmt)} {zone_name}"


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["money"] = lambda plan: format_money(plan.amount, plan.currency)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals.update(categories=CATEGORIES, icon=icon, tool_icon_tile=tool_icon)

    @app.context_processor
    def page_context():
        return {"user_orgs": user_orgs, "tool_navigation": tool_navigation,
                "current_org": g.get("org"), "current_membership": g.get("membership")}
