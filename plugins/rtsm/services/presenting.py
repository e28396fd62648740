"""What a caller may see of a randomization: the arm only when unblinded.

Every page and API answer about an allocation goes through :func:`allocation_view` (or
:func:`allocation_row` for the unblinded list), so no view can forget the blinding rule: a
blinded person gets the subject, its randomization number, site and kit number, never an arm.
"""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import Allocation, Arm, Kit, Study, StudySite
from . import access


def _kit_number(kit_id: int | None) -> str | None:
    if kit_id is None:
        return None
    return tool().db_session().scalar(select(Kit.number).where(Kit.id == kit_id))


def arm_names(study_id: int) -> dict[str, str]:
    """code -> name of the study's arms (for unblinded answers only)."""
    return dict(tool().db_session().execute(select(Arm.code, Arm.name).where(Arm.study_id == study_id)).all())


def _site_code(allocation: Allocation) -> str:
    return tool().db_session().scalar(select(StudySite.code).where(StudySite.id == allocation.site_id)) or ""


def allocation_view(allocation: Allocation, *, unblinded: bool | None = None,
                    names: dict[str, str] | None = None) -> dict:
    """{"subject", "sequence", "site", "kit", "randomized_at", "source"}, plus "arm" (its code)
    and "arm_name" only when the acting person is unblinded on it (``unblinded`` overrides the
    check for a caller that has made it, e.g. once per list)."""
    view = {"subject": allocation.subject, "sequence": allocation.sequence, "site": _site_code(allocation),
            "kit": _kit_number(allocation.kit_id), "randomized_at": allocation.randomized_at.isoformat(),
            "source": allocation.source}
    if access.unblinded(allocation) if unblinded is None else unblinded:
        view["arm"] = allocation.arm_code
        view["arm_name"] = (names if names is not None else arm_names(allocation.study_id)).get(
            allocation.arm_code, "")
    return view


def allocation_row(allocation: Allocation, names: dict[str, str]) -> dict:
    """One line of the unblinded allocation list: the view with its stratum and arm. Callers
    check ``access.unblinded(study)`` first (the list is refused to everyone else)."""
    return {**allocation_view(allocation, unblinded=True, names=names), "stratum": allocation.stratum}


def allocation_rows(study: Study, allocations: list[Allocation]) -> list[dict]:
    names = arm_names(study.id)
    return [allocation_row(allocation, names) for allocation in allocations]
