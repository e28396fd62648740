"""The platform console's overview; the other pages live in one module each."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from sdk.tenancy import all_organizations

from ..db import db_session
from ..models import License, Organization, OrgTool, User
from . import billing, events, licenses, orgs, plugins, users  # noqa: F401  (register their routes on bp)
from .blueprint import bp, registry

__all__ = ["bp"]


@bp.get("/")
def index():
    session = db_session()
    records = list(registry().records.values())
    org_types = dict(session.execute(
        select(Organization.type, func.count()).group_by(Organization.type)).all())
    with all_organizations():
        license_statuses = dict(session.execute(
            select(License.status, func.count()).group_by(License.status)).all())
        enabled = session.scalar(select(func.count()).select_from(OrgTool).where(OrgTool.enabled.is_(True)))
    counts = {
        "organizations": sum(org_types.values()),
        "users": session.scalar(select(func.count()).select_from(User)),
        "active_users": session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))),
        "platform_admins": session.scalar(
            select(func.count()).select_from(User).where(User.is_platform_admin.is_(True))),
        "plugins_available": sum(1 for r in records if r.available),
        "plugins_unavailable": sum(1 for r in records if not r.available),
        "licenses": sum(license_statuses.values()),
        "tools_enabled": enabled or 0,
    }
    return render_template("admin/index.html", counts=counts, org_types=org_types,
                           license_statuses=license_statuses)
