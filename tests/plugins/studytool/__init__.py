"""A miniature study tool (SDK API level 2) for the sharing tests: a sponsor's studies with
sites, subjects and study notes, shared with CROs and site organizations under roles.

Laid out like every tool (manifest and hooks here, models, views, migrations, templates), and
registered only by the test suite.
"""
from pathlib import Path

from sdk import Manifest, Permission, Plan, Role, hookimpl

manifest = Manifest(
    key="studytool",
    name="Study Tool",
    summary="Studies, sites and subjects for exercising cross-organization sharing.",
    category="data-capture",
    version="1.0.0",
    publisher="Trial Office QA",
    api_level=2,
    plans=(Plan(code="basic", name="Basic", amount=900),),
    permissions=(
        Permission("view_study", "See studies shared with you"),
        Permission("enter_data", "Enter subjects"),
        Permission("review", "Review and annotate data"),
        Permission("manage_study", "Create, configure and share studies"),
        Permission("sign_casebook", "Sign a subject's casebook"),
    ),
    roles=(
        Role("data_manager", "Data manager", ("view_study", "enter_data", "review", "manage_study")),
        Role("monitor", "Monitor", ("view_study", "review"), read_only=True),
        Role("site_coordinator", "Site coordinator", ("view_study", "enter_data")),
        Role("investigator", "Investigator", ("view_study", "enter_data", "review", "sign_casebook")),
    ),
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
