"""The audit trail for organization admins (``/o/<org>/audit``) and platform admins
(``/admin/audit``), with CSV and PDF exports; the API's is ``host.api.audit``."""
from __future__ import annotations

from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from sdk.csv_export import csv_response
from sdk.models import utcnow

from ..admin.blueprint import bp as admin_bp
from ..db import db_session, get_db
from ..models import Organization
from ..orgctx import org_member_required
from .exports import CSV_HEADER, csv_rows, pdf_report
from .presentation import present
from .queries import PAGE_SIZE, AuditFilters, FilterError, filtered_query, tools_query
from .verify import verify_trail

bp = Blueprint("audit", __name__)


def _filters(org_id=None) -> AuditFilters:
    try:
        return AuditFilters.from_args(request.args, org_id)
    except FilterError as exc:
        abort(400, str(exc))


def _admin_filters() -> AuditFilters:
    slug = (request.args.get("org") or "").strip()
    org_id = None
    if slug:
        org_id = db_session().scalar(select(Organization.id).where(Organization.slug == slug))
        if org_id is None:
            abort(400, f"There is no organization '{slug}'.")
    return _filters(org_id)


def _slugs() -> dict:
    return dict(db_session().execute(select(Organization.id, Organization.slug)).all())


def _page(filters: AuditFilters, all_orgs: bool, template_args: dict):
    query = filtered_query(filters, all_orgs=all_orgs)
    total = db_session().scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = db_session().scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    tools = db_session().scalars(tools_query(filters, all_orgs=all_orgs)).all()
    return render_template("compliance/audit.html", entries=rows, views=present(rows), filters=filters,
                           page=page, pages=pages, total=total, tools=tools,
                           slugs=_slugs() if all_orgs else {}, **template_args)


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
    return _page(_filters(g.org.id), False, {"export_endpoint": "audit.org_export"})


@bp.get("/o/<org>/audit/export.<fmt>")
@org_member_required(admin=True)
def org_export(fmt):
    filters = _filters(g.org.id)
    name = f"audit-{g.org.slug}-{utcnow():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return _csv(filters, False, name)
    if fmt == "pdf":
        return _pdf(filters, False, name, f"organization {g.org.name} ({g.org.slug})")
    abort(404)


@admin_bp.get("/audit")
def audit_trail():
    """Every organization's trail; the admin blueprint lets platform admins only."""
    return _page(_admin_filters(), True, {"export_endpoint": "admin.audit_export", "admin_view": True})


@admin_bp.get("/audit/export.<fmt>")
def audit_export(fmt):
    filters = _admin_filters()
    name = f"audit-platform-{utcnow():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return _csv(filters, True, name)
    if fmt == "pdf":
        return _pdf(filters, True, name, "all organizations" if filters.org_id is None else "one organization")
    abort(404)
