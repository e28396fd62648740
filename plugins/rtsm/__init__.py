"""rtsm: randomization and trial supply management (an IRT).

A sponsor sets up a study's arms and a versioned randomization scheme (simple, permuted blocks,
stratified blocks or Pocock-Simon minimization), simulates it, and shares the study with its CRO
and with each investigator site's organization. Sites randomize and dispense kits for their own
site; supply managers keep depots and sites stocked; blinded people see kit numbers, never arms,
and an investigator may break the blind for one subject with a reason and a signature. This
module holds the manifest and the hook implementations only: pages are in ``views``, the JSON
API in ``api``, use cases in ``services``, the algorithms in ``domain`` (no Flask, no database).
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, Role, hookimpl

manifest = Manifest(
    key="rtsm",
    name="RTSM",
    summary="Randomization and trial supply: blocked, stratified and minimization schemes, kits, shipments and blinding.",
    description=(
        "Versioned randomization schemes with allocation ratios (simple, permuted blocks of random "
        "sizes, stratified blocks, Pocock-Simon minimization), lists generated from a cryptographic "
        "seed and kept encrypted, a simulation before going live, and atomic randomization. Kit "
        "lists, depots, shipments, min/max resupply, expiry windows, dispensing, returns and "
        "destruction, with a stock ledger for accountability. Blinded people see kit numbers only; "
        "emergency unblinding reveals one subject with a reason and a signature. Randomizes "
        "subjects enrolled in EDC when the study is set up to."
    ),
    category="randomization",
    version="1.0.0",
    publisher="Trial Office",
    api_level=2,
    icon="shuffle",
    plans=(Plan(code="study", name="Study", amount=3900, currency="USD", interval="month", trial_days=30),),
    permissions=(
        Permission("view_study", "See studies, subjects' randomization numbers and kit numbers",
                   default_for_members=True),
        Permission("manage_study", "Set up studies, arms, sites and randomization schemes; share studies"),
        Permission("randomize", "Randomize subjects at your sites"),
        Permission("dispense", "Dispense kits to randomized subjects at your sites"),
        Permission("receive_shipments", "Receive shipments at your sites, return and quarantine kits"),
        Permission("manage_supply", "Kit lists, depots, shipments, resupply, quarantine and destruction"),
        Permission("see_arms", "See treatment arms (unblinded)", held_by_admins=False),
        Permission("emergency_unblind", "Break the blind for one subject in an emergency",
                   held_by_admins=False),
    ),
    roles=(
        Role("unblinded", "Unblinded", ("view_study", "see_arms"),
             "Sees treatment arms: allocations, kit arms, the randomization list."),
        Role("blinded", "Blinded", ("view_study",), "Sees subjects and kit numbers, never an arm.", read_only=True),
        Role("statistician", "Unblinded statistician", ("view_study", "manage_study", "see_arms"),
             "Sets up and simulates randomization schemes; sees the allocations."),
        Role("supply_manager", "Unblinded supply manager", ("view_study", "manage_supply", "see_arms"),
             "Uploads kit lists, runs resupply and ships kits; sees which arm each kit holds."),
        Role("site_staff", "Site staff (blinded)", ("view_study", "randomize", "dispense", "receive_shipments"),
             "Randomizes the site's subjects, dispenses kits and receives shipments."),
        Role("investigator", "Investigator (blinded)",
             ("view_study", "randomize", "dispense", "receive_shipments", "emergency_unblind"),
             "As site staff, and may break the blind for one subject in an emergency."),
    ),
    works_with=("edc",),
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
def domain_event_handlers():
    from .services.edc_enrollment import HANDLERS

    return HANDLERS


@hookimpl
def job_handlers():
    from .services.jobs import JOB_HANDLERS

    return JOB_HANDLERS


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def navigation_items(org, user):
    return [NavItem("Randomization", "rtsm.studies", icon="shuffle", order=25)]


@hookimpl
def demo_data(org, user):
    from .services.demo import load_demo

    load_demo(org.type)
