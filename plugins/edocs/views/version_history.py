"""What the document page says about each version and what the person may do with the newest.

Who uploaded and who passed or rejected a version comes from the audit trail (its entries name
the person; the owner's trail is read through a grant too), so an inspector in another
organization sees the names, not user ids."""
from __future__ import annotations

from dataclasses import dataclass

from sdk import tool

from ..domain.lifecycle import TRANSITIONS, next_steps
from ..models import Document, Study, Version
from ..services import current_user_id
from ..services.access import may_at

QC_OUTCOMES = ("rejected", "approved")


@dataclass
class VersionRow:
    version: Version
    uploaded_by: str
    qc_by: str


def version_rows(versions: list[Version]) -> list[VersionRow]:
    """The versions, newest first, each with the names of its uploader and QC reviewer."""
    history = tool().audit.history_many("version", [v.id for v in versions]) if versions else {}
    rows = []
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        entries = history.get(version.id) or history.get(str(version.id)) or []
        uploaded_by = entries[0].actor if entries else ""
        qc_by = next((e.actor for e in reversed(entries)
                      if (e.changes or {}).get("status", [None, None])[-1] in QC_OUTCOMES), "")
        rows.append(VersionRow(version, uploaded_by, qc_by))
    return rows


def allowed_steps(version: Version | None, document: Document, study: Study) -> list[str]:
    """The statuses the person may move the newest version to (QC is never the uploader's)."""
    if version is None or study.status != "active":
        return []
    steps = []
    for to in next_steps(version.status):
        permission = TRANSITIONS[(version.status, to)]
        if not may_at(permission, study, document.site):
            continue
        if permission == "qc_review" and version.uploaded_by_id == current_user_id():
            continue
        steps.append(to)
    return steps
