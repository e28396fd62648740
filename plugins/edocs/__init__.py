"""edocs: electronic trial master file (eTMF) on the TMF Reference Model.

A sponsor opens a binder for each study, seeded from the TMF Reference Model's artifact list;
documents are filed to an artifact at trial, country or site level, each version stored once
under its SHA-256 and never overwritten, and moved Draft -> QC -> Approved (signed) -> Effective.
Milestones say which documents are expected by when; the completeness dashboard counts what is
expected, filed, QC-passed, overdue and missing. The binder is shared with the CRO and, site by
site, with each site's organization; other tools file documents into it through the SDK's
document service. This module holds the manifest and the hook implementations only: pages are
in ``views``, the JSON API in ``api``, use cases in ``services``, rules in ``domain`` (no Flask,
no database).
"""
from pathlib import Path

from sdk import Manifest, NavItem, Permission, Plan, Role, hookimpl

manifest = Manifest(
    key="edocs",
    name="eTMF",
    summary="Trial master file on the TMF Reference Model: versioned, signed, searchable and complete per milestone.",
    description=(
        "Each study's binder is seeded from the TMF Reference Model (11 zones, numbered artifacts, "
        "trial, country and site level). Documents are versioned, never overwritten and verified by "
        "SHA-256; they pass QC and are approved with an electronic signature. Expected documents "
        "per milestone drive a completeness and timeliness dashboard; full-text search covers PDF, "
        "Word and text files; retention periods and legal holds protect what must be kept; a "
        "binder moves between organizations as a TMF Exchange Mechanism zip. Sites file and see "
        "their own site documents."
    ),
    category="documents",
    version="1.0.0",
    publisher="Trial Office",
    api_level=2,
    icon="folder",
    plans=(Plan(code="study", name="Study", amount=2900, currency="USD", interval="month", trial_days=30),),
    permissions=(
        Permission("view_binder", "See binders and the documents filed in them", default_for_members=True),
        Permission("file_documents", "File documents and new versions, send them to QC"),
        Permission("qc_review", "Pass documents in QC with an approval signature, or reject them with a reason"),
        Permission("manage_binder", "Set up binders, sites, milestones and retention; legal holds, "
                                    "deletion, export, import and sharing"),
    ),
    roles=(
        Role("tmf_manager", "TMF manager", ("view_binder", "file_documents", "qc_review", "manage_binder"),
             "Runs the binder: set-up, milestones, retention, holds, exchange."),
        Role("cta", "Clinical trial associate", ("view_binder", "file_documents"),
             "Files documents and sends them to QC."),
        Role("qc_reviewer", "QC reviewer", ("view_binder", "qc_review"),
             "Passes documents in QC with an approval signature or rejects them with a reason."),
        Role("monitor", "Monitor (CRA)", ("view_binder", "file_documents", "qc_review"),
             "Files and reviews documents for the sites they monitor."),
        Role("site_filer", "Site document filer", ("view_binder", "file_documents"),
             "Files the site's own documents."),
        Role("inspector", "Inspector (read only)", ("view_binder",),
             "Sees what was filed, when and by whom.", read_only=True),
    ),
    works_with=("edc", "rtsm"),
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
def dashboard_widgets(org, user):
    from .services.overview import widget

    return [widget()]


@hookimpl
def domain_event_handlers():
    from .services.filing_requests import HANDLERS

    return HANDLERS


@hookimpl
def job_handlers():
    from .services.jobs import JOB_HANDLERS

    return JOB_HANDLERS


@hookimpl
def cli_commands():
    from .cli import commands

    return commands()


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def navigation_items(org, user):
    return [NavItem("eTMF", "edocs.studies", icon="folder", order=30)]


@hookimpl
def demo_data(org, user):
    from .services.demo import load_demo

    load_demo(org.type)


@hookimpl
def demo_data_shared(org, user):
    from .services.demo import load_shared_demo

    load_shared_demo(org.slug)
