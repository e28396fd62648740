"""The study's randomized subjects: the list (a site organization sees its own site's only, by the
tenant wall) and a subject's page, which is also the answer of the randomize screen.

The arm appears only for the unblinded (``see_arms``), in the list's extra column and on the
subject's page; blinded people see the randomization number and the kit number."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.tables import Column, table_page

from ..models import Allocation, Arm, Kit, Study, StudySite, Unblinding
from ..services.access import unblinded
from ..services.presenting import allocation_view
from . import bp
from .lookups import allocation_or_404, study_or_404

SUBJECT_COLUMNS = (
    Column("subject", "Subject", Allocation.subject),
    Column("site", "Site", StudySite.code, width="6rem"),
    Column("sequence", "Randomization number", Allocation.sequence, numeric=True, width="9rem"),
    Column("kit", "Kit", width="8rem"),
    Column("randomized_at", "Randomized", Allocation.randomized_at, width="12rem"),
)
ARM_COLUMN = Column("arm", "Arm", Allocation.arm_code, width="10rem")


def arrival_note(allocation: Allocation, created: bool) -> tuple[str, str]:
    """The flash message of the randomize screen's answer: what happened, in one sentence."""
    view = allocation_view(allocation)
    kit = f", kit {view['kit']}" if view.get("kit") else ""
    arm = f", arm {view['arm']} {view.get('arm_name', '')}".rstrip() if view.get("arm") else ""
    if created:
        return f"Subject {allocation.subject} randomized: randomization number {allocation.sequence}{kit}{arm}.", "success"
    return (f"Subject {allocation.subject} was randomized before: this is the first result (randomization number "
            f"{allocation.sequence}{kit}{arm}); nothing was changed.", "warning")


def kit_numbers(allocations) -> dict[int, str]:
    ids = {allocation.kit_id for allocation in allocations if allocation.kit_id}
    if not ids:
        return {}
    return dict(tool().db_session().execute(select(Kit.id, Kit.number).where(Kit.id.in_(ids))).all())


def arm_names(study: Study) -> dict[str, str]:
    return {arm.code: arm.name for arm in tool().db_session().scalars(select(Arm).where(Arm.study_id == study.id))}


@bp.get("/studies/<int:study_id>/subjects")
@requires_permission("view_study")
def subjects(study_id: int):
    study = study_or_404(study_id)
    shows_arms = unblinded(study)
    columns = SUBJECT_COLUMNS + ((ARM_COLUMN,) if shows_arms else ())
    query = (select(Allocation).join(StudySite, StudySite.id == Allocation.site_id)
             .where(Allocation.study_id == study.id))
    page = table_page(tool().db_session(), query, columns, default_sort="-sequence", tiebreak=Allocation.id)
    return render_template("rtsm/subjects.html", study=study, page=page, kits=kit_numbers(page.items),
                           shows_arms=shows_arms, arms=arm_names(study) if shows_arms else {},
                           can_randomize=tool().can("randomize", study))


@bp.get("/studies/<int:study_id>/subjects/<int:allocation_id>")
@requires_permission("view_study")
def subject(study_id: int, allocation_id: int):
    study = study_or_404(study_id)
    allocation = allocation_or_404(study, allocation_id)
    unblindings = list(tool().db_session().scalars(
        select(Unblinding).where(Unblinding.allocation_id == allocation.id).order_by(Unblinding.id)))
    return render_template("rtsm/subject.html", study=study, allocation=allocation, view=allocation_view(allocation),
                           unblindings=unblindings, may_unblind=tool().can("emergency_unblind", allocation),
                           may_dispense=allocation.kit_id is not None and tool().can("dispense", allocation))
