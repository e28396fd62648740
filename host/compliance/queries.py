"""Reading the audit trail with filters, for the pages, the exports and the API alike."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from sdk.forms import InputProblems

from ..models import AuditEntry

PAGE_SIZE = 100


class FilterError(InputProblems):
    """Every problem of the trail's filters at once, each naming its field."""


@dataclass(frozen=True)
class AuditFilters:
    tool: str = ""
    entity_type: str = ""
    entity_id: str = ""
    user: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    org_id: int | None = None

    @classmethod
    def from_args(cls, args, org_id: int | None = None) -> "AuditFilters":
        problems = FilterError()

        def day(name, label):
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                problems.add(name, f"{label} must be a date like 2026-01-31.")
                return None

        filters = cls(tool=(args.get("tool") or "").strip(), entity_type=(args.get("entity_type") or "").strip(),
                      entity_id=(args.get("entity_id") or "").strip(), user=(args.get("user") or "").strip(),
                      action=(args.get("action") or "").strip(), date_from=day("date_from", "From"),
                      date_to=day("date_to", "To"), org_id=org_id)
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            problems.add("date_to", "The end date is before the start date.")
        problems.raise_if_any()
        return filters

    def as_args(self) -> dict:
        return {k: v for k, v in {
            "tool": self.tool, "entity_type": self.entity_type, "entity_id": self.entity_id,
            "user": self.user, "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else ""}.items() if v}


def filtered_query(filters: AuditFilters, *, all_orgs: bool = False):
    """The entries matching ``filters``; one organization's unless ``all_orgs`` (platform admins)."""
    query = select(AuditEntry)
    if not all_orgs or filters.org_id is not None:
        query = query.where(AuditEntry.org_id == filters.org_id)
    if filters.tool:
        query = query.where(AuditEntry.tool == filters.tool)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.user:
        query = query.where(AuditEntry.actor_label.ilike(f"%{filters.user}%"))
    if filters.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time.min, timezone.utc))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, timezone.utc)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def tools_query(filters: AuditFilters, *, all_orgs: bool = False):
    """The tools present in the trail the filters read, for the tool filter: the organization's
    own, never another's (a platform admin with no organization filter sees every tool)."""
    query = select(AuditEntry.tool).distinct()
    if not all_orgs or filters.org_id is not None:
        query = query.where(AuditEntry.org_id == filters.org_id)
    return query.order_by(AuditEntry.tool)

