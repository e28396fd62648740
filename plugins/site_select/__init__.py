"""site_select: rank investigator sites for a new trial from their history, with the reasons shown.

This module holds the manifest and the hook implementations only; pages are in ``views``, the
JSON API in ``api``, use cases in ``services``, the scoring itself in ``domain`` (no Flask).
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, Role, SettingField, hookimpl

manifest = Manifest(
    key="site_select",
    name="Site Select",
    summary="Rank investigator sites for a new trial from their history, with the reasons shown.",
    description=(
        "A site master of facilities and investigators, trial history imported in the "
        "ClinicalTrials.gov AACT layout, entered by hand or gathered from your own edc and pmcp "
        "use. Describe a trial and get a ranked, explained shortlist with an enrollment forecast; "
        "export it as CSV or a PDF feasibility report and hand it to project planning."
    ),
    category="site-selection",
    version="1.0.0",
    publisher="Trial Office",
    api_level=2,
    icon="map-pin",
    plans=(Plan(code="standard", name="Standard", amount=900, currency="USD", interval="month",
                trial_days=14),),
    permissions=(
        Permission("view", "See sites, history and shortlists", default_for_members=True),
        Permission("rank", "Rank sites for a trial, save weight presets and shortlists",
                   default_for_members=True),
        Permission("manage_sites", "Add and change sites and their trial history"),
        Permission("import", "Import AACT-layout files into the site master"),
        Permission("manage_all", "Change and delete every member's shortlists and weight presets"),
    ),
    roles=(
        Role("feasibility_lead", "Feasibility lead", ("view", "rank", "manage_sites", "import", "manage_all"),
             "Runs feasibility: keeps the site master and curates everyone's shortlists."),
        Role("site_manager", "Site master manager", ("view", "manage_sites", "import"),
             "Keeps the site master: adds, corrects and imports sites."),
        Role("viewer", "Viewer", ("view",), "Reads sites, history and shortlists.", read_only=True),
    ),
    settings=(SettingField("shortlist_size", "Default shortlist size", type="int", default=20,
                           help="How many of the best sites a ranking ticks for the shortlist."),),
    works_with=("pmcp", "edc"),
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
    return [NavItem("Site selection", "site_select.directory", icon="map-pin", order=50)]


@hookimpl
def dashboard_widgets(org, user):
    from .services.overview import widget

    return [widget()]


@hookimpl
def domain_event_handlers():
    from .services.event_history import HANDLERS

    return HANDLERS


@hookimpl
def job_handlers():
    from .services.import_job import JOB_HANDLERS

    return JOB_HANDLERS


@hookimpl
def cli_commands():
    from .cli import commands

    return commands()


@hookimpl
def demo_data(org, user):
    from .services.demo import load_demo_dataset

    load_demo_dataset(org.type)
