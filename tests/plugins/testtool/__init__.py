"""A small tool for the host's own tests: pages, an API, a tenant model, a widget, navigation.

It is laid out like every tool (manifest and hooks here, models, views, migrations, templates)
but is registered only by the test suite, never shipped in the catalog.
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, SettingField, Widget, hookimpl

manifest = Manifest(
    key="testtool",
    name="Test Tool",
    summary="Records and notes for exercising the host.",
    description="Used by the host's test suite.",
    category="other",
    version="1.0.0",
    publisher="Trial Office QA",
    api_level=1,
    plans=(Plan(code="basic", name="Basic", amount=500), Plan(code="team", name="Team", amount=150,
                                                               per_seat=True, min_seats=3)),
    permissions=(
        Permission("view", "See records", default_for_members=True),
        Permission("edit", "Create and change records"),
    ),
    settings=(SettingField("greeting", "Greeting", default="Hello"),),
)


@hookimpl
def tool_blueprint():
    from .views import bp

    return bp


@hookimpl
def tool_api_blueprint():
    from .views import api

    return api


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def navigation_items(org, user):
    return [NavItem("Test records", "testtool.index")]


@hookimpl
def dashboard_widgets(org, user):
    from .models import count_records

    return [Widget("Test records", template="testtool/_widget.html",
                   context={"count": count_records(), "org_name": org.name})]


@hookimpl
def demo_data(org, user):
    from .models import add_record

    add_record("Demo record")
