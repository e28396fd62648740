"""Installed plugins: version, API level, available or why not, failures, and use."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import and_, func, or_, select

from sdk.models import utcnow
from sdk.tables import Column, list_page
from sdk.tenancy import all_organizations

from ..db import db_session
from ..models import ENTITLED_STATUSES, License, OrgTool
from .blueprint import bp, registry


def _entitled(now):
    return and_(License.status.in_(ENTITLED_STATUSES),
                or_(License.valid_until.is_(None), License.valid_until > now))


def plugin_usage(session) -> dict[str, dict[str, int]]:
    """Per tool key: organizations licensed, enabled, and both (in use)."""
    now = utcnow()
    with all_organizations():
        licensed = session.execute(select(License.tool_key, func.count()).where(_entitled(now))
                                   .group_by(License.tool_key)).all()
        enabled = session.execute(select(OrgTool.tool_key, func.count())
                                  .where(OrgTool.enabled.is_(True)).group_by(OrgTool.tool_key)).all()
        in_use = session.execute(
            select(License.tool_key, func.count())
            .join(OrgTool, and_(OrgTool.org_id == License.org_id, OrgTool.tool_key == License.tool_key))
            .where(_entitled(now), OrgTool.enabled.is_(True)).group_by(License.tool_key)).all()
    usage: dict[str, dict[str, int]] = {}
    for name, rows in (("licensed", licensed), ("enabled", enabled), ("in_use", in_use)):
        for key, count in rows:
            usage.setdefault(key, {})[name] = count
    return usage


def plugin_columns(usage: dict[str, dict[str, int]]) -> tuple[Column, ...]:
    def used(name):
        return lambda r: usage.get(r.key, {}).get(name, 0)

    return (Column("key", "Key", lambda r: r.key, width="9rem"),
            Column("name", "Name", lambda r: (r.manifest.name if r.manifest else "").casefold()),
            Column("version", "Version", lambda r: str(r.version or ""), width="6rem"),
            Column("api", "API level", lambda r: r.api_level if r.api_level is not None else -1, numeric=True,
                   width="5rem"),
            Column("state", "State", lambda r: not r.available, width="11rem"), Column("origin", "Origin"),
            Column("failures", "Failures", lambda r: sum(r.failures.values()), numeric=True, width="7rem"),
            Column("licensed", "Orgs licensed", used("licensed"), numeric=True, width="6rem"),
            Column("enabled", "Orgs enabled", used("enabled"), numeric=True, width="6rem"),
            Column("in_use", "In use", used("in_use"), numeric=True, width="5rem"))


@bp.get("/plugins")
def plugins():
    usage = plugin_usage(db_session())
    records = sorted(registry().records.values(), key=lambda r: r.key)
    page = list_page(records, plugin_columns(usage), default_sort="key", per_page=100)
    return render_template("admin/plugins.html", page=page, usage=usage)
