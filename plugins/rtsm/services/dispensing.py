"""Dispensing: giving a randomized subject a kit of their arm at their site.

The kit is an ``available`` kit at the subject's site, of the allocation's arm, outside the
do-not-dispense window (so never expired), earliest expiry first. A refusal never names the arm:
the person reading it may be blinded. After a refusal the caller rolls back and calls
:func:`report_shortage` (then commits), so the supply managers hear of it even though the
randomization or the dispense was not written."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from sdk import tool
from sdk.audit import reason_for_change

from ..domain.supply import KitView, kit_to_dispense
from ..models import Allocation, Kit, Study, StudySite
from . import events, ledger, supply_alerts
from .errors import NotAllowed, RtsmInputError
from .kits import has_kits, today


class NoKitToDispense(RtsmInputError):
    """No valid kit at the subject's site; carries what :func:`report_shortage` needs."""

    def __init__(self, site: StudySite, subject: str):
        super().__init__([("kit", f"No kit can be dispensed for this subject at site {site.code}; "
                                  "the supply manager has been notified.")])
        self.site_id, self.study_id, self.subject = site.id, site.study_id, subject


def report_shortage(error: NoKitToDispense) -> int:
    """Notify the supply managers of a refused dispense (after the caller's rollback)."""
    session = tool().db_session()
    study, site = session.get(Study, error.study_id), session.get(StudySite, error.site_id)
    return supply_alerts.site_short(study, site, error.subject) if study and site else 0


def report_if_short(refusal: Exception) -> None:
    """After a refused randomization or dispense was rolled back: when the refusal was a kit
    shortage, notify the supply managers and commit that notification alone."""
    if isinstance(refusal, NoKitToDispense):
        report_shortage(refusal)
        tool().db_session().commit()


def _pick(allocation: Allocation) -> Kit:
    study, site = allocation.site.study, allocation.site
    candidates = list(tool().db_session().scalars(select(Kit).where(
        Kit.site_id == site.id, Kit.depot_id.is_(None), Kit.status == "available",
        Kit.arm_code == allocation.arm_code).with_for_update()))
    choice = kit_to_dispense([KitView(kit.number, kit.arm_code, kit.expiry) for kit in candidates],
                             allocation.arm_code, today(), study.do_not_dispense_days)
    if choice is None:
        raise NoKitToDispense(site, allocation.subject)
    return next(kit for kit in candidates if kit.number == choice.number)


def _dispense(allocation: Allocation, kit: Kit) -> Kit:
    kit.status, kit.allocation_id, kit.dispensed_at = "dispensed", allocation.id, datetime.now(UTC)
    ledger.record(kit, allocation.site, -1, "dispensed", f"subject {allocation.subject}")
    tool().db_session().flush()
    events.kit_dispensed(allocation.site.study, allocation, kit)
    return kit


def assign_kit(allocation: Allocation) -> Kit | None:
    """The first kit of a subject being randomized (None when the study has no kit list at all);
    raises :class:`NoKitToDispense` when the site has no valid kit of the subject's arm."""
    if not has_kits(allocation.site.study):
        return None
    kit = _pick(allocation)
    if allocation.id is None:
        tool().db_session().flush()
    allocation.kit_id = kit.id
    return _dispense(allocation, kit)


def dispense_next(allocation: Allocation) -> Kit:
    """Another kit of the same arm for a later visit of an already randomized subject."""
    if not tool().can("dispense", allocation):
        raise NotAllowed("Dispensing needs the 'dispense' permission at this subject's site.")
    if not has_kits(allocation.site.study):
        raise RtsmInputError([("kit", "This study has no kit list: nothing is dispensed.")])
    with reason_for_change(None):
        return _dispense(allocation, _pick(allocation))


def kits_of_subject(allocation: Allocation) -> list[Kit]:
    return list(tool().db_session().scalars(
        select(Kit).where(Kit.allocation_id == allocation.id).order_by(Kit.dispensed_at, Kit.id)))
