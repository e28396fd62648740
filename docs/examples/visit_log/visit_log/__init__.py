"""Visit log: the monitoring visits of an organization's sites (an example third-party tool).

Manifest and hook implementations only; everything else lives in its own module.
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, Widget, hookimpl

manifest = Manifest(
    key="visit_log",
    name="Visit Log",
    summary="Log monitoring visits and sign them off.",
    description="Record each monitoring visit (site, date, kind, findings) and have it signed as reviewed.",
    category="project-management",
    version="1.0.0",
    publisher="Example Research Ltd",
    api_level=2,
    plans=(Plan(code="basic", name="Basic", amount=300, currency="USD", interval="month", trial_days=14),),
    permissions=(Permission("view", "See visits", default_for_members=True),
                 Permission("log", "Log and change visits")),
)


@hookimpl
def tool_blueprint():
    from .views import bp

    return bp


@hookimpl
def tool_api_blueprint():
    from .api import api

    return api


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def navigation_items(org, user):
    return [NavItem("Visit log", "visit_log.index", icon="calendar-check")]


@hookimpl
def dashboard_widgets(org, user):
    from .services import visit_count

    return [Widget("Monitoring visits", template="visit_log/_widget.html", context={"count": visit_count()})]
