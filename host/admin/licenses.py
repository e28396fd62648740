"""Licenses across organizations: filter and sort them, read one's history, and change it.

Every change goes through :func:`host.licensing.admin_change`, which refuses one without a
reason; the console adds an entry named after the action (``license_suspended``, ...) to the
trail, and the history shown is the license's audit trail. Suspending and revoking need a ticked
confirmation as well as the reason; a suspension's reason is shown to the organization.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from sdk.tables import Column, table_page
from sdk.tenancy import all_organizations, org_scope

from ..compliance.trail import record_event, record_history
from ..db import db_session
from ..licensing import LicensingError, admin_change
from ..models import LICENSE_STATUSES, AuditEntry, License, Organization, OrgTool
from ..words import status_word
from .blueprint import PER_PAGE, bp, registry
from .forms import LICENSE_FORMS, LicenseFilter, choices, plan_choices, tool_choices, whole

DONE = {"grant": "granted", "extend": "extended", "suspend": "suspended", "revoke": "revoked"}
#: The trail's name for each admin action, beside the field changes the capture records.
AUDIT_ACTIONS = {action: f"license_{done}" for action, done in DONE.items()}
ACTION_WORDS = {"create": "Created", "update": "Changed", "delete": "Deleted",
                **{name: DONE[action].capitalize() for action, name in AUDIT_ACTIONS.items()}}

LICENSE_COLUMNS = (
    Column("org", "Organization", Organization.name), Column("tool", "Tool", License.tool_key, width="9rem"),
    Column("status", "Status", License.status, width="9rem"), Column("plan", "Plan", License.plan_code, width="9rem"),
    Column("seats", "Seats", License.seats, numeric=True, width="5rem"),
    Column("valid_until", "Valid until", License.valid_until, width="11rem"), Column("details", "Details", width="10rem"))


@bp.get("/licenses")
def licenses():
    filters = LicenseFilter(request.args)
    filters.tool.choices = tool_choices()
    filters.status.choices = choices(LICENSE_STATUSES, "All statuses", lambda s: status_word(s, "license"))
    stmt = select(License, Organization).join(Organization, Organization.id == License.org_id)
    if tool := filters.value("tool"):
        stmt = stmt.where(License.tool_key == tool)
    if status := filters.value("status"):
        stmt = stmt.where(License.status == status)
    if org_slug := filters.value("org").lower():
        stmt = stmt.where(Organization.slug == org_slug)
    with all_organizations():
        page = table_page(db_session(), stmt, LICENSE_COLUMNS, default_sort="org", per_page=PER_PAGE,
                          tiebreak=License.id, scalars=False)
    return render_template("admin/licenses.html", page=page, filters=filters,
                           filtered=bool(tool or status or org_slug))


def license_or_404(license_id: int) -> tuple[License, Organization]:
    with all_organizations():
        row = db_session().execute(
            select(License, Organization).join(Organization, Organization.id == License.org_id)
            .where(License.id == license_id)).first()
    if row is None:
        abort(404, "There is no such license.")
    return row[0], row[1]


@dataclass(frozen=True)
class HistoryRow:
    """One change of a license: its action's name, and the status and validity it changed
    (None: unchanged)."""

    entry: AuditEntry
    action: str
    status: tuple[str | None, str | None] | None
    valid_until: tuple[datetime | None, datetime | None] | None

    @property
    def action_word(self) -> str:
        return ACTION_WORDS.get(self.action, self.action.replace("_", " ").capitalize())


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def license_history(session, org: Organization, lic: License) -> list[HistoryRow]:
    """The license's audit entries, newest first; a named admin action and the field changes of
    the same request show as one row under the action's name."""
    entries = list(reversed(record_history(session, org.id, "host", "license", str(lic.id))))
    named = {e.request_id: e.action for e in entries if e.action in ACTION_WORDS and e.action.startswith("license_")
             and e.request_id}
    changed = {e.request_id for e in entries if not e.action.startswith("license_")}
    rows = []
    for entry in entries:
        if entry.action.startswith("license_") and entry.request_id and entry.request_id in changed:
            continue
        changes = entry.changes or {}
        status, until = changes.get("status"), changes.get("valid_until")
        rows.append(HistoryRow(entry, named.get(entry.request_id, entry.action),
                               tuple(status) if status else None,
                               (_time(until[0]), _time(until[1])) if until else None))
    return rows


def license_forms(lic: License, manifest, failed: tuple[str, object] | None = None) -> dict:
    """One form per action, fresh, except the one just posted (with its values and problems)."""
    forms = {}
    for action, form_class in LICENSE_FORMS.items():
        if failed and failed[0] == action:
            forms[action] = failed[1]
            continue
        defaults = {"days": "30"} if action in ("extend", "grant") else {}
        if action == "grant":
            defaults.update(plan=lic.plan_code, seats=str(lic.seats))
        forms[action] = form_class(formdata=None, id_prefix=f"{action}-", data=defaults)
    forms["grant"].plan.choices = plan_choices(manifest)
    return forms


def _render_license(lic: License, org: Organization, failed=None, status: int = 200):
    session = db_session()
    with all_organizations():
        enabled = session.scalar(select(OrgTool.enabled).where(
            OrgTool.org_id == org.id, OrgTool.tool_key == lic.tool_key)) or False
    manifest = registry().manifest(lic.tool_key)
    return render_template("admin/license_detail.html", lic=lic, org=org, history=license_history(session, org, lic),
                           enabled=enabled, manifest=manifest, forms=license_forms(lic, manifest, failed)), status


@bp.get("/licenses/<int:license_id>")
def license_detail(license_id: int):
    return _render_license(*license_or_404(license_id))


def apply_change(org: Organization, tool_key: str, action: str, reason: str, *, plan: str | None = None,
                 seats: int | None = None, days: int | None = None) -> License:
    """Apply an admin license action, record it under its own name, and commit."""
    session = db_session()
    with org_scope(org.id):
        lic = admin_change(session, org, tool_key, action, reason, current_user._get_current_object(),
                           plan=plan or None, seats=seats, days=days)
        record_event(session, org_id=org.id, tool="host", entity_type="license", entity_id=str(lic.id),
                     action=AUDIT_ACTIONS[action], reason=reason.strip())
        session.commit()
    return lic


def change_from_form(org: Organization, tool_key: str, action: str, form) -> License:
    """:func:`apply_change` with the reason, plan, seats and days of a validated form."""
    fields = form._fields
    return apply_change(org, tool_key, action, form.reason.data,
                        plan=fields["plan"].data if "plan" in fields else None,
                        seats=whole(fields["seats"]) if "seats" in fields else None,
                        days=whole(fields["days"]) if "days" in fields else None)


@bp.post("/licenses/<int:license_id>/<action>")
def change_license(license_id: int, action: str):
    if action not in LICENSE_FORMS:
        abort(404)
    lic, org = license_or_404(license_id)
    form = LICENSE_FORMS[action](id_prefix=f"{action}-")
    if action == "grant":
        form.plan.choices = plan_choices(registry().manifest(lic.tool_key))
    if form.validate_on_submit():
        try:
            change_from_form(org, lic.tool_key, action, form)
        except LicensingError as exc:
            db_session().rollback()
            form.refuse(str(exc))
        else:
            flash(f"{lic.tool_key} license of {org.name} {DONE[action]}.", "success")
            return redirect(url_for("admin.license_detail", license_id=license_id), 303)
    return _render_license(*license_or_404(license_id), failed=(action, form), status=422)
