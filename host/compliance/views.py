"""The audit trail for organization admins (``/o/<org>/audit``) and platform admins
(``/admin/audit``), with CSV and PDF exports; the API's is ``host.api.audit``."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import select

from sdk.csv_export import csv_response
from sdk.models import utcnow
from sdk.tables import Column, table_page

from ..admin.blueprint import bp as admin_bp
from ..db import db_session, get_db
from ..models import AuditEntry, Organization
from ..orgctx import org_member_required
from .exports import CSV_HEADER, csv_rows, pdf_report
from .filter_form import AuditFilterForm
from .presentation import present
from .queries import PAGE_SIZE, AuditFilters, FilterError, filtered_query, tools_query
from .verify import verify_trail

bp = Blueprint("audit", __name__)

#: The trail's columns; widths keep "Changes" readable in a 1280-pixel window.
COLUMNS = (Column("seq", "#", width="2.5rem"), Column("when", "When", AuditEntry.at, width="8rem"),
           Column("who", "Who", AuditEntry.actor_label, width="8.5rem"),
           Column("tool", "Tool", AuditEntry.tool, width="5.5rem"),
           Column("record", "Record", AuditEntry.entity_type, width="8rem"),
           Column("action", "Action", AuditEntry.action, width="6.5rem"),
           Column("changes", "Changes (old → new)"), Column("reason", "Reason", width="8rem"))
ORG_COLUMN = Column("org", "Organization", width="7rem")
#: Shown by the record column and the organization already: left out of each entry's changes.
SHOWN_ELSEWHERE = frozenset({"id", "org_id"})


def _org_filters(org_id=None) -> AuditFilters:
    """The filters of the request for one organization's trail; FilterError names every problem."""
    return AuditFilters.from_args(request.args, org_id)


def _admin_filters() -> AuditFilters:
    """The platform console's filters: an organization's short name, if given, must exist."""
    slug = (request.args.get("org") or "").strip()
    org_id = None
    if slug:
        org_id = db_session().scalar(select(Organization.id).where(Organization.slug == slug))
        if org_id is None:
            problems = FilterError([("org", f"There is no organization '{slug}'.")])
            try:
                AuditFilters.from_args(request.args)
            except FilterError as more:
                problems.items += more.items
            raise problems
    return AuditFilters.from_args(request.args, org_id)


def _export_filters(read) -> AuditFilters:
    try:
        return read()
    except FilterError as problems:
        abort(400, str(problems))


def _slugs() -> dict:
    return dict(db_session().execute(select(Organization.id, Organization.slug)).all())


def _page(read_filters, all_orgs: bool, template_args: dict):
    """The trail page: the filter bar (every problem beside its field) and one page of entries."""
    org_id = None if all_orgs else g.org.id
    try:
        filters, problems = read_filters(), None
    except FilterError as found:
        filters, problems = AuditFilters(org_id=org_id), found
    tools = db_session().scalars(tools_query(filters, all_orgs=all_orgs)).all()
    form = AuditFilterForm.for_request(request.args, tools, admin_view=all_orgs)
    columns = ((ORG_COLUMN,) if all_orgs else ()) + COLUMNS
    page = None
    if problems is None:
        page = table_page(db_session(), filtered_query(filters, all_orgs=all_orgs), columns,
                          default_sort="-when", per_page=PAGE_SIZE, tiebreak=AuditEntry.id.desc())
        page = replace(page, items=present(page.items, hide=SHOWN_ELSEWHERE))
    else:
        form.absorb(problems)
    html = render_template("compliance/audit.html", page=page, form=form, filters=filters,
                           slugs=_slugs() if all_orgs else {}, **template_args)
    return html, 200 if problems is None else 400


def _csv(filters: AuditFilters, all_orgs: bool, name: str) -> Response:
    entries = db_session().scalars(filtered_query(filters, all_orgs=all_orgs)).all()
    return csv_response(CSV_HEADER, csv_rows(entries, _slugs()), name)


def _pdf(filters: AuditFilters, all_orgs: bool, name: str, scope_label: str) -> Response:
    entries = db_session().scalars(filtered_query(filters, all_orgs=all_orgs)).all()
    reports = verify_trail(get_db().engine, filters.org_id) if filters.org_id else []
    lines = [f"Scope: {scope_label}", f"Filters: {filters.as_args() or 'none'}",
             f"Generated {utcnow().strftime('%Y-%m-%d %H:%M:%S')} UTC by {current_user.email}",
             f"Entries: {len(entries)}"] + [f"Chain check: {r.describe()}" for r in reports]
    body = pdf_report(entries, title="Audit trail report", subtitle_lines=lines)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@bp.get("/o/<org>/audit")
@org_member_required(admin=True)
def org_trail():
    return _page(lambda: _org_filters(g.org.id), False, {"export_endpoint": "audit.org_export"})


@bp.get("/o/<org>/audit/export.<fmt>")
@org_member_required(admin=True)
def org_export(fmt):
    filters = _export_filters(lambda: _org_filters(g.org.id))
    name = f"audit-{g.org.slug}-{utcnow():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return _csv(filters, False, name)
    if fmt == "pdf":
        return _pdf(filters, False, name, f"organization {g.org.name} ({g.org.slug})")
    abort(404)


@admin_bp.get("/audit")
def audit_trail():
    """Every organization's trail; the admin blueprint lets platform admins only."""
    return _page(_admin_filters, True, {"export_endpoint": "admin.audit_export", "admin_view": True})


@admin_bp.get("/audit/export.<fmt>")
def audit_export(fmt):
    filters = _export_filters(_admin_filters)
    name = f"audit-platform-{utcnow():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return _csv(filters, True, name)
    if fmt == "pdf":
        return _pdf(filters, True, name, "all organizations" if filters.org_id is None else "one organization")
    abort(404)
