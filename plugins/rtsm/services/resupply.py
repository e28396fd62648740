"""Min/max resupply: for every activated site, usable stock (available kits outside the
do-not-dispense window) plus kits in transit is compared with the trigger (``min_stock``); below
it, a shipment is requested topping the site up to ``max_stock``, unless one is requested and
not yet shipped. A depot that is short sends what it has and the supply managers are told; the
run never fails for a shortage. Runs from a page button, the API, or the ``resupply`` job."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from sdk import tool
from sdk.jobs import JobResult

from ..domain.supply import SiteStock, dispensable, resupply_quantity
from ..models import Kit, Study, StudySite
from .access import visible_study
from .kits import today
from .shipments import open_request, request_shipment
from .supply_access import require_supply_manager


@dataclass
class SiteResult:
    site: str
    stock: int
    in_transit: int
    min_stock: int
    max_stock: int
    action: str
    shipment: str | None = None
    requested: int = 0
    short: bool = False

    def as_json(self) -> dict:
        return dict(self.__dict__)


def site_stock(site: StudySite) -> SiteStock:
    session, study = tool().db_session(), site.study
    expiries = session.scalars(select(Kit.expiry).where(Kit.site_id == site.id, Kit.status == "available"))
    usable = sum(1 for expiry in expiries if dispensable(expiry, today(), study.do_not_dispense_days))
    in_transit = session.scalar(select(func.count(Kit.id)).where(Kit.site_id == site.id, Kit.status == "in_transit"))
    return SiteStock(usable=usable, in_transit=int(in_transit), min_stock=site.min_stock, max_stock=site.max_stock)


def _one(site: StudySite) -> SiteResult:
    stock = site_stock(site)
    result = SiteResult(site.code, stock.usable, stock.in_transit, site.min_stock, site.max_stock, "")
    wanted = resupply_quantity(stock)
    if wanted == 0:
        result.action = "Stock reaches the trigger; nothing to send."
        return result
    pending = open_request(site)
    if pending is not None:
        result.action, result.shipment = f"Shipment {pending.number} is requested already; waiting for it.", pending.number
        return result
    shipment = request_shipment(site, quantity=wanted, kind="resupply", partial=True)
    if shipment is None:
        result.action, result.short = f"Needs {wanted} kit(s), but the depot has none that can be shipped; " \
                                      "the supply managers were notified.", True
        return result
    sent = len(shipment_kits(shipment))
    result.shipment, result.requested, result.short = shipment.number, sent, sent < wanted
    result.action = f"Requested shipment {shipment.number} of {sent} kit(s)" + (
        f" ({wanted - sent} short; the supply managers were notified)." if sent < wanted else ".")
    return result


def shipment_kits(shipment) -> list[Kit]:
    return list(tool().db_session().scalars(select(Kit).where(Kit.shipment_id == shipment.id)))


def run(study: Study) -> list[SiteResult]:
    """Resupply every activated site of the study; one result line per site."""
    require_supply_manager(study)
    sites = tool().db_session().scalars(select(StudySite).where(
        StudySite.study_id == study.id, StudySite.activated_at.is_not(None)).order_by(StudySite.code))
    results = [_one(site) for site in sites]
    tool().audit.record(entity_type="study", entity_id=str(study.id), action="resupply_run",
                        changes={"shipments": [None, [r.shipment for r in results if r.requested]]})
    return results


def resupply_job(progress, *, study_id: int) -> JobResult:
    """Run min/max resupply"""
    study = visible_study(study_id)
    if study is None:
        from sdk.jobs import JobFailed

        raise JobFailed("The study is not there any more.")
    progress(0, None, "Checking the sites' stock")
    results = run(study)
    made = [r.shipment for r in results if r.requested]
    return JobResult(summary=f"Resupply checked {len(results)} site(s) and requested {len(made)} shipment(s).",
                     data={"sites": [r.as_json() for r in results]})
