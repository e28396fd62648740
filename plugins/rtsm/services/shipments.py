"""Shipments of kits from a depot to a site: requested -> shipped -> received, or cancelled while
requested. Requesting picks the kits (only free ``available`` kits at the depot, never within the
do-not-ship window, earliest expiry first, arms mixed by the ratio) and reserves them; shipping
moves them out of the depot's stock (``in_transit``); receiving records each kit received,
damaged or missing (only received kits enter the site's stock), and files the receipt into the
sponsor's trial master file when a document tool serves it (``shipment_records``)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from sdk import tool

from ..domain.supply import KitView, counts_by_arm, pick_kits, shippable, split_by_ratio
from ..models import Kit, Shipment, StudySite
from . import current_user_id, ledger, shipment_records, supply_alerts
from .errors import ConflictError, NotAllowed, RtsmInputError
from .kits import today
from .supply_access import depot_of, require_supply_manager

CONDITIONS = ("received", "damaged", "missing")


def kits_of(shipment: Shipment) -> list[Kit]:
    return list(tool().db_session().scalars(
        select(Kit).where(Kit.shipment_id == shipment.id).order_by(Kit.number)))


def free_kits_at(depot_id: int, study) -> list[Kit]:
    """The depot's kits no shipment has reserved that may still be shipped today."""
    rows = tool().db_session().scalars(select(Kit).where(
        Kit.study_id == study.id, Kit.depot_id == depot_id, Kit.site_id.is_(None), Kit.shipment_id.is_(None),
        Kit.status == "available").order_by(Kit.expiry, Kit.number))
    return [kit for kit in rows if shippable(kit.expiry, today(), study.do_not_ship_days)]


def site_kits_by_arm(site: StudySite) -> dict[str, int]:
    """Usable kits at the site plus kits travelling to it, by arm (to balance the next shipment)."""
    rows = tool().db_session().scalars(select(Kit).where(
        Kit.site_id == site.id, Kit.status.in_(("available", "in_transit"))))
    return counts_by_arm([KitView(kit.number, kit.arm_code, kit.expiry) for kit in rows])


def _next_number(study_id: int) -> str:
    count = tool().db_session().scalar(select(func.count(Shipment.id)).where(Shipment.study_id == study_id))
    return f"SH-{count + 1:04d}"


def _choose(site: StudySite, depot, quantity: int) -> list[Kit]:
    free = free_kits_at(depot.id, site.study)
    by_number = {kit.number: kit for kit in free}
    ratios = {arm.code: arm.ratio for arm in site.study.arms}
    counts = split_by_ratio(quantity, ratios, site_kits_by_arm(site))
    picked = pick_kits([KitView(kit.number, kit.arm_code, kit.expiry) for kit in free], counts)
    return [by_number[view.number] for view in picked]


def _named(site: StudySite, depot, numbers: list[str], problems: RtsmInputError) -> list[Kit]:
    free = {kit.number: kit for kit in free_kits_at(depot.id, site.study)}
    chosen = []
    for number in dict.fromkeys(str(n).strip() for n in numbers):
        if number in free:
            chosen.append(free[number])
        else:
            problems.add("kits", f"Kit {number} cannot be shipped from depot {depot.code}: it is not an available, "
                                 "unreserved kit there outside the do-not-ship window.")
    return chosen


def request_shipment(site: StudySite, *, quantity: int | None = None, kit_numbers: list[str] | None = None,
                     kind: str = "manual", partial: bool = False) -> Shipment | None:
    """Request a shipment to ``site`` of ``quantity`` kits chosen by the rules, or of the kits
    named. With ``partial`` (resupply, initial shipments) a depot that is short sends what it has
    and the supply managers are notified (None if it has nothing); otherwise a shortfall is a
    refusal naming what the depot has."""
    study = site.study
    require_supply_manager(study)
    problems = RtsmInputError()
    depot = depot_of(site)
    if site.activated_at is None:
        problems.add("site", f"Site {site.code} is not active yet: activate it first (that sends its initial shipment).")
    if depot is None:
        problems.add("site", "The study has no depot to ship from; add one first.")
    if (quantity is None) == (not kit_numbers):
        problems.add("quantity", "Send either a number of kits or the kit numbers to ship.")
    elif quantity is not None and not (isinstance(quantity, int) and 1 <= quantity <= 1000):
        problems.add("quantity", "The number of kits must be a whole number from 1 to 1000.")
    problems.raise_if_any()
    if kit_numbers:
        chosen = _named(site, depot, kit_numbers, problems)
    else:
        chosen = _choose(site, depot, quantity)
        if len(chosen) < quantity:
            if partial:
                supply_alerts.depot_short(study, site, depot, quantity, len(chosen))
            else:
                problems.add("quantity", f"Depot {depot.code} has {len(chosen)} kit(s) that can be shipped; "
                                         f"ask for at most {len(chosen)}.")
    problems.raise_if_any()
    if not chosen:
        return None
    shipment = Shipment(study_id=study.id, number=_next_number(study.id), depot_id=depot.id, site_id=site.id,
                        status="requested", kind=kind, requested_by_id=current_user_id())
    tool().db_session().add(shipment)
    tool().db_session().flush()
    for kit in chosen:
        kit.shipment_id = shipment.id
    tool().db_session().flush()
    return shipment


def _locked(shipment: Shipment) -> Shipment:
    """The shipment read again under a row lock (PostgreSQL), so two requests never both move it."""
    return tool().db_session().scalars(select(Shipment).where(Shipment.id == shipment.id)
                                       .with_for_update().execution_options(populate_existing=True)).one()


def _expect(shipment: Shipment, status: str, doing: str) -> None:
    if shipment.status != status:
        raise ConflictError(f"Shipment {shipment.number} is {shipment.status}; only a {status} shipment can be "
                            f"{doing}.")


def ship(shipment: Shipment) -> Shipment:
    """Send a requested shipment: its kits leave the depot's stock and travel to the site."""
    require_supply_manager(shipment.site.study)
    shipment = _locked(shipment)
    _expect(shipment, "requested", "shipped")
    study, kits = shipment.site.study, kits_of(shipment)
    late = [kit.number for kit in kits if not shippable(kit.expiry, today(), study.do_not_ship_days)]
    if late:
        raise RtsmInputError([("kits", f"Kit {number} is now within the do-not-ship window; cancel this shipment "
                                       "and request another.") for number in late])
    depot = shipment.depot
    for kit in kits:
        kit.status, kit.site_id = "in_transit", shipment.site_id
        ledger.record(kit, depot, -1, "shipped", shipment.number)
    shipment.status, shipment.shipped_at = "shipped", datetime.now(UTC)
    tool().db_session().flush()
    return shipment


def may_receive(shipment: Shipment) -> bool:
    return tool().can("receive_shipments", shipment.site) or tool().can("manage_supply", shipment)


def receive(shipment: Shipment, conditions: dict[str, str] | None = None) -> Shipment:
    """Record the shipment's arrival: each kit ``received`` (into the site's stock), ``damaged``
    or ``missing`` (recorded, never stock). Kits not named arrived in good condition."""
    if not may_receive(shipment):
        raise NotAllowed("Receiving shipments needs the 'receive_shipments' permission at this site.")
    shipment = _locked(shipment)
    _expect(shipment, "shipped", "received")
    kits = {kit.number: kit for kit in kits_of(shipment)}
    problems = RtsmInputError()
    for number, condition in (conditions or {}).items():
        if number not in kits:
            problems.add("kits", f"Kit {number} is not in shipment {shipment.number}.")
        elif condition not in CONDITIONS:
            problems.add("kits", f"Kit {number}: the condition must be received, damaged or missing.")
    problems.raise_if_any()
    site = shipment.site
    for number, kit in kits.items():
        condition = (conditions or {}).get(number, "received")
        kit.depot_id = None
        if condition == "received":
            kit.status = "available"
            ledger.record(kit, site, +1, "received", shipment.number)
        else:
            kit.status = condition
            ledger.record(kit, site, 0, condition, shipment.number)
    shipment.status, shipment.received_at = "received", datetime.now(UTC)
    tool().db_session().flush()
    shipment_records.file_receipt(shipment, list(kits.values()))
    return shipment


def cancel(shipment: Shipment) -> Shipment:
    """Cancel a requested shipment: its kits are free at the depot again."""
    require_supply_manager(shipment.site.study)
    shipment = _locked(shipment)
    _expect(shipment, "requested", "cancelled")
    for kit in kits_of(shipment):
        kit.shipment_id = None
    shipment.status = "cancelled"
    tool().db_session().flush()
    return shipment


def open_request(site: StudySite) -> Shipment | None:
    return tool().db_session().scalar(select(Shipment).where(
        Shipment.site_id == site.id, Shipment.status == "requested").limit(1))


def visible_shipment(shipment_id: int) -> Shipment | None:
    shipment = tool().db_session().get(Shipment, shipment_id)
    return shipment if shipment is not None and tool().can("view_study", shipment) else None
