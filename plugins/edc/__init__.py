"""edc: electronic data capture with CDISC ODM in and out.

A sponsor builds or imports a study (events -> forms -> item groups -> items, in metadata
versions), shares it with its CRO and with each investigator site's organization, and the sites
enter their subjects' data with edit checks and reasons for change; monitors query, verify,
lock and export. This module holds the manifest and the hook implementations only: pages are in
``views``, the JSON API in ``api``, use cases in ``services``, the formats and rules in
``domain`` (no Flask, no database).
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, Role, hookimpl

manifest = Manifest(
    key="edc",
    name="EDC",
    summary="Electronic data capture: build or import a study, enter, clean, lock and export its data.",
    description=(
        "Case report forms from a REDCap data dictionary or CDISC ODM 1.3.2, metadata versions that "
        "never rewrite captured data, branching logic and calculated fields, edit checks and queries, "
        "source data verification, investigator signatures, freeze and lock, and ODM and CSV export. "
        "The sponsor shares a study with its CRO and with each site's organization, which see only "
        "what was shared with them, and the sponsor's license covers them."
    ),
    category="data-capture",
    version="1.0.0",
    publisher="Trial Office",
    api_level=2,
    icon="clipboard-list",
    plans=(Plan(code="study", name="Study", amount=4900, currency="USD", interval="month", trial_days=30),),
    permissions=(
        Permission("view_study", "See studies and the subjects of your sites", default_for_members=True),
        Permission("manage_study", "Build, import, publish and share studies; manage sites"),
        Permission("enter_data", "Enroll subjects and enter and correct their data"),
        Permission("respond_queries", "Answer queries on your sites' data"),
        Permission("manage_queries", "Raise, close and cancel queries"),
        Permission("verify", "Source data verification"),
        Permission("sign_casebook", "Sign casebooks as investigator"),
        Permission("lock", "Freeze, lock and unlock forms, subjects and the study"),
        Permission("export", "Export data as ODM and CSV"),
        Permission("import_data", "Import clinical data from another EDC"),
    ),
    roles=(
        Role("data_manager", "Data manager",
             ("view_study", "manage_study", "manage_queries", "lock", "export", "import_data", "respond_queries"),
             "Builds the study, cleans the data, locks and exports it."),
        Role("monitor", "Monitor", ("view_study", "manage_queries", "verify", "export"),
             "Raises and closes queries and verifies source data at the sites."),
        Role("site_coordinator", "Site coordinator", ("view_study", "enter_data", "respond_queries"),
             "Enrolls the site's subjects, enters their data and answers queries."),
        Role("investigator", "Investigator", ("view_study", "enter_data", "respond_queries", "sign_casebook"),
             "Responsible for the site's data; signs the casebooks."),
    ),
    works_with=("rtsm", "site_select", "edocs"),
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
def job_handlers():
    from .services.jobs import JOB_HANDLERS

    return JOB_HANDLERS


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def navigation_items(org, user):
    return [NavItem("Data capture", "edc.studies", icon="clipboard-list", order=20)]


@hookimpl
def demo_data(org, user):
    from .services.demo import load_demo_study

    load_demo_study(org.type)
