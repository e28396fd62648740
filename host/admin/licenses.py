"""Licenses across organizations: filter them, read one's history, and change it with a reason.

Every change goes through :func:`host.licensing.admin_change`, which refuses one without a
reason; the history shown is the license's audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from sdk.tenancy import all_organizations, org_scope

from ..compliance.trail import record_history
from ..db import db_session
from ..licensing import ADMIN_ACTIONS, LicensingError, admin_change
from ..models import LICENSE_STATUSES, AuditEntry, License, Organization, OrgTool
from .blueprint import bp, form_int, registry
from .paging import paginate

DONE = {"grant": "granted", "extend": "extended", "suspend": "suspended", "revoke": "revoked"}


@bp.get("/licenses")
def licenses():
    session = db_session()
    tool = request.args.get("tool", "").strip()
    status = request.args.get("status", "").strip()
    org_slug = request.args.get("org", "").strip().lower()
    stmt = (select(License, Organization).join(Organization, Organization.id == License.org_id)
            .order_by(Organization.name, License.tool_key))
    if tool:
        stmt = stmt.where(License.tool_key == tool)
    if status in LICENSE_STATUSES:
        stmt = stmt.where(License.status == status)
    if org_slug:
        stmt = stmt.where(Organization.slug == org_slug)
    with all_organizations():
        page = paginate(session, stmt)
    tool_keys = sorted(registry().records)
    return render_template("admin/licenses.html", page=page, tool=tool, status=status,
                           org_slug=org_slug, tool_keys=tool_keys, statuses=LICENSE_STATUSES)


def _license_or_404(license_id: int) -> tuple[License, Organization]:
    with all_organizations():
        row = db_session().execute(
            select(License, Organization).join(Organization, Organization.id == License.org_id)
            .where(License.id == license_id)).first()
    if row is None:
        abort(404, "There is no such license.")
    return row[0], row[1]


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry of a license with the status and validity it changed (None: unchanged)."""

    entry: AuditEntry
    status: tuple[str | None, str | None] | None
    valid_until: tuple[datetime | None, datetime | None] | None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def license_history(session, org: Organization, lic: License) -> list[HistoryRow]:
    """The license's audit entries, newest first; filtered by organization as no org is in scope."""
    rows = []
    for entry in reversed(record_history(session, org.id, "host", "license", str(lic.id))):
        changes = entry.changes or {}
        status, until = changes.get("status"), changes.get("valid_until")
        rows.append(HistoryRow(entry, tuple(status) if status else None,
                               (_time(until[0]), _time(until[1])) if until else None))
    return rows


def _render_license(lic: License, org: Organization, status: int = 200):
    session = db_session()
    history = license_history(session, org, lic)
    with all_organizations():
        enabled = session.scalar(select(OrgTool.enabled).where(
            OrgTool.org_id == org.id, OrgTool.tool_key == lic.tool_key)) or False
    return render_template("admin/license_detail.html", lic=lic, org=org, history=history,
                           enabled=enabled, manifest=registry().manifest(lic.tool_key),
                           form=request.form), status


@bp.get("/licenses/<int:license_id>")
def license_detail(license_id: int):
    return _render_license(*_license_or_404(license_id))


def change_from_form(org: Organization, tool_key: str, action: str) -> License:
    """Apply an admin license action with the reason, plan, seats and days of the posted form."""
    session = db_session()
    with org_scope(org.id):
        lic = admin_change(session, org, tool_key, action, request.form.get("reason", ""),
                           current_user._get_current_object(),
                           plan=request.form.get("plan") or None,
                           seats=form_int(request.form, "seats", "Seats"),
                           days=form_int(request.form, "days", "Days"))
        session.commit()
    return lic


@bp.post("/licenses/<int:license_id>/<action>")
def change_license(license_id: int, action: str):
    if action not in ADMIN_ACTIONS:
        abort(404)
    lic, org = _license_or_404(license_id)
    try:
        change_from_form(org, lic.tool_key, action)
    except LicensingError as exc:
        db_session().rollback()
        flash(str(exc), "error")
        return _render_license(*_license_or_404(license_id), status=422)
    flash(f"{lic.tool_key} license of {org.name} {DONE[action]}.", "success")
    return redirect(url_for("admin.license_detail", license_id=license_id), 303)
