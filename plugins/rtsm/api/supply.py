"""rtsm API: kits, shipments, resupply, dispensing and stock.

Reading needs ``view_study`` on the study (another organization's ids answer 404; a site
organization sees its own site's kits and shipments only, never a depot's stock). Changing needs
the right of the service (``manage_supply``; ``receive_shipments`` and ``dispense`` at the site):
403 otherwise. A kit's arm is in an answer only for an unblinded caller."""
from __future__ import annotations

from flask import abort, jsonify
from sqlalchemy import func, select

from sdk import requires_permission, tool
from sdk.api_docs import responds, takes_body, takes_query

from ..models import Depot, Kit, Shipment, StudySite
from ..services import access, dispensing, kits, resupply, shipments, supply_dashboard
from ..services.errors import RtsmInputError
from ..services.supply_access import require_supply_manager
from . import api
from . import supply_schemas as schemas
from .studies import refusals, visible

PER_PAGE = 500


def _places(study) -> tuple[dict, dict]:
    session = tool().db_session()
    depots = dict(session.execute(select(Depot.id, Depot.code).where(Depot.study_id == study.id)).all())
    sites = dict(session.execute(select(StudySite.id, StudySite.code).where(StudySite.study_id == study.id))
                 .all())
    return depots, sites


def shipment_json(shipment: Shipment) -> dict:
    show_arm = access.unblinded(shipment)
    return {"id": shipment.id, "number": shipment.number, "status": shipment.status, "kind": shipment.kind,
            "site": shipment.site.code, "depot": shipment.depot.code,
            "shipped_at": shipment.shipped_at.isoformat() if shipment.shipped_at else None,
            "received_at": shipment.received_at.isoformat() if shipment.received_at else None,
            "kits": [{"number": kit.number, "status": kit.status, "expiry": kit.expiry.isoformat(),
                      **({"arm": kit.arm_code} if show_arm else {})} for kit in shipments.kits_of(shipment)]}


@api.get("/studies/<int:study_id>/kits")
@requires_permission("view_study")
@takes_query(schemas.KitQuery)
@responds(200, "The kits the caller sees (a site organization: its site's), by number", schema=schemas.KitList)
def list_kits(study_id: int, query: dict):
    """List the study's kits"""
    study = visible(study_id)
    stmt = select(Kit).where(Kit.study_id == study.id)
    if query.get("status"):
        stmt = stmt.where(Kit.status == query["status"])
    if query.get("site"):
        site = access.site_by_code(study, query["site"])
        stmt = stmt.where(Kit.site_id == (site.id if site else -1))
    session = tool().db_session()
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(Kit.number).offset((query["page"] - 1) * PER_PAGE).limit(PER_PAGE))
    show_arm, places = access.unblinded(study), _places(study)
    return jsonify(kits=[kits.kit_json(kit, show_arm=show_arm, places=places) for kit in rows], total=total)


@api.post("/studies/<int:study_id>/kits")
@requires_permission("view_study")
@takes_body(schemas.KitsIn)
@responds(201, "The kits, added at their depots", schema=schemas.KitList)
@responds(403, "Adding kits needs 'manage_supply' on a study the organization owns")
def add_kits(study_id: int, body: dict):
    """Add kits to the kit list

    Every bad kit is named (`row N` counts the list from 1); nothing is added when any is wrong."""
    study = visible(study_id)
    with refusals():
        require_supply_manager(study)
        added = kits.add_kits(study, body["kits"])
        tool().db_session().commit()
    places = _places(study)
    return jsonify(kits=[kits.kit_json(kit, show_arm=access.unblinded(study), places=places) for kit in added],
                   total=len(added)), 201


@api.get("/studies/<int:study_id>/shipments")
@requires_permission("view_study")
@responds(200, "The shipments the caller sees, newest first", schema=schemas.ShipmentList)
def list_shipments(study_id: int):
    """List the study's shipments"""
    study = visible(study_id)
    rows = tool().db_session().scalars(select(Shipment).where(Shipment.study_id == study.id)
                                       .order_by(Shipment.id.desc()))
    return jsonify(shipments=[shipment_json(shipment) for shipment in rows])


@api.post("/studies/<int:study_id>/shipments")
@requires_permission("view_study")
@takes_body(schemas.ShipmentIn)
@responds(201, "The shipment, requested with its kits reserved", schema=schemas.ShipmentOut)
@responds(403, "Requesting shipments needs 'manage_supply' on a study the organization owns")
def request_shipment(study_id: int, body: dict):
    """Request a shipment to a site

    Send `quantity` (kits chosen: available at the site's depot, outside the do-not-ship window,
    earliest expiry first, arms mixed by the ratio) or `kits` (kit numbers)."""
    study = visible(study_id)
    with refusals():
        site = access.site_by_code(study, body["site"])
        if site is None:
            raise RtsmInputError([("site", f"The study has no site {body['site']}.")])
        shipment = shipments.request_shipment(site, quantity=body.get("quantity"), kit_numbers=body.get("kits"))
        tool().db_session().commit()
    return jsonify(shipment_json(shipment)), 201


def _shipment(shipment_id: int) -> Shipment:
    return shipments.visible_shipment(shipment_id) or abort(404, "There is no such shipment.")


@api.get("/shipments/<int:shipment_id>")
@requires_permission("view_study")
@responds(200, "The shipment with the kits the caller sees", schema=schemas.ShipmentOut)
def show_shipment(shipment_id: int):
    """One shipment"""
    return jsonify(shipment_json(_shipment(shipment_id)))


def _move(shipment_id: int, action, *args):
    shipment = _shipment(shipment_id)
    with refusals():
        shipment = action(shipment, *args)
        tool().db_session().commit()
    return jsonify(shipment_json(shipment))


@api.post("/shipments/<int:shipment_id>/ship")
@requires_permission("view_study")
@takes_body(schemas.NoBody, required=False)
@responds(200, "The shipment, shipped: its kits are in transit", schema=schemas.ShipmentOut)
@responds(409, "The shipment is not requested (shipped, received or cancelled already)")
def ship_shipment(shipment_id: int, body: dict):
    """Ship a requested shipment"""
    return _move(shipment_id, shipments.ship)


@api.post("/shipments/<int:shipment_id>/receive")
@requires_permission("view_study")
@takes_body(schemas.ReceiveIn, required=False)
@responds(200, "The shipment, received: good kits are in the site's stock", schema=schemas.ShipmentOut)
@responds(409, "The shipment is not shipped (requested, received or cancelled)")
def receive_shipment(shipment_id: int, body: dict):
    """Receive a shipped shipment, naming damaged or missing kits"""
    return _move(shipment_id, shipments.receive, body.get("kits") or {})


@api.post("/shipments/<int:shipment_id>/cancel")
@requires_permission("view_study")
@takes_body(schemas.NoBody, required=False)
@responds(200, "The shipment, cancelled: its kits are free at the depot", schema=schemas.ShipmentOut)
@responds(409, "The shipment is not requested")
def cancel_shipment(shipment_id: int, body: dict):
    """Cancel a requested shipment"""
    return _move(shipment_id, shipments.cancel)


@api.post("/studies/<int:study_id>/resupply")
@requires_permission("view_study")
@takes_body(schemas.NoBody, required=False)
@responds(200, "One line per activated site: what resupply did", schema=schemas.ResupplyOut)
@responds(403, "Resupply needs 'manage_supply' on a study the organization owns")
def run_resupply(study_id: int, body: dict):
    """Run min/max resupply now"""
    study = visible(study_id)
    with refusals():
        results = resupply.run(study)
        tool().db_session().commit()
    return jsonify(sites=[result.as_json() for result in results])


@api.post("/allocations/<int:allocation_id>/dispense")
@requires_permission("view_study")
@takes_body(schemas.NoBody, required=False)
@responds(201, "The kit dispensed (its number; the arm for unblinded callers only)", schema=schemas.DispenseOut)
@responds(403, "Dispensing needs 'dispense' at the subject's site")
def dispense(allocation_id: int, body: dict):
    """Dispense the next kit to a randomized subject (a later visit)"""
    allocation = access.visible_allocation(allocation_id) or abort(404, "There is no such randomized subject.")
    with refusals():
        kit = dispensing.dispense_next(allocation)
        tool().db_session().commit()
    answer = {"subject": allocation.subject, "kit": kit.number}
    if access.unblinded(allocation):
        answer["arm"] = kit.arm_code
    return jsonify(answer), 201


@api.get("/studies/<int:study_id>/stock")
@requires_permission("view_study")
@responds(200, "Stock per site against min/max (and per depot, for the study's owner)", schema=schemas.StockOut)
def stock(study_id: int):
    """The study's stock"""
    return jsonify(supply_dashboard.stock_json(visible(study_id)))
