"""The organization home's panel: each binder the organization works on, with its completeness,
what is overdue, and how many versions wait for the person's QC."""
from __future__ import annotations

from dataclasses import dataclass

from sdk import Widget

from ..models import Study
from . import completeness, current_user_id, transitions
from .studies import studies_in_reach

#: binders shown on the panel; the binders list has the rest
SHOWN = 5


@dataclass(frozen=True)
class BinderLine:
    study: Study
    completeness: float | None
    overdue: int
    waiting_for_me: int


def binder_lines() -> list[BinderLine]:
    waiting: dict[int, int] = {}
    me = current_user_id()
    for version in transitions.qc_queue():
        if version.uploaded_by_id != me:  # one's own uploads are someone else's to review
            waiting[version.study_id] = waiting.get(version.study_id, 0) + 1
    lines = []
    for study in studies_in_reach()[:SHOWN]:
        totals = completeness.report(study).totals
        lines.append(BinderLine(study, totals.completeness, totals.overdue, waiting.get(study.id, 0)))
    return lines


def widget() -> Widget:
    """Rendered by the host from ``edocs/_widget.html``."""
    return Widget("eTMF", template="edocs/_widget.html", context={"lines": binder_lines()}, order=30)
