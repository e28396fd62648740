"""What the supply dashboard and the stock API show: each visible site's stock against its
min/max, each depot's stock (only where the organization sees depot kits: a site organization
never does), kits expiring soon, shipments in transit and the latest ledger entries. Counts only:
no arm is in here, so the blinded see the same page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from sdk import tool

from ..models import Kit, LedgerEntry, Shipment, Study, StudySite
from . import ledger
from .access import visible_sites
from .kits import today
from .resupply import site_stock
from .supply_access import list_depots

EXPIRING_DAYS = 90


@dataclass
class SiteRow:
    site: StudySite
    usable: int
    in_transit: int
    on_hand: int
    min_stock: int
    max_stock: int
    active: bool

    @property
    def below_trigger(self) -> bool:
        return self.active and self.usable + self.in_transit < self.min_stock

    def as_json(self) -> dict:
        return {"site": self.site.code, "active": self.active, "usable": self.usable, "in_transit": self.in_transit,
                "on_hand": self.on_hand, "min_stock": self.min_stock, "max_stock": self.max_stock,
                "below_trigger": self.below_trigger}


def site_rows(study: Study) -> list[SiteRow]:
    rows = []
    for site in visible_sites(study):
        stock = site_stock(site)
        rows.append(SiteRow(site, stock.usable, stock.in_transit, ledger.stock_on_hand(site), site.min_stock,
                            site.max_stock, site.activated_at is not None))
    return rows


def depot_rows(study: Study) -> list[dict]:
    """Stock on hand per depot: for the organization that sees depot kits (never a site's)."""
    session = tool().db_session()
    rows = []
    for depot in list_depots(study):
        free = session.scalar(select(func.count(Kit.id)).where(
            Kit.depot_id == depot.id, Kit.site_id.is_(None), Kit.status == "available", Kit.shipment_id.is_(None)))
        rows.append({"depot": depot.code, "name": depot.name, "on_hand": ledger.stock_on_hand(depot),
                     "unreserved": int(free)})
    return rows


def sees_depots(study: Study) -> bool:
    """Depot stock is the sponsor's business: shown to members of the owning organization only."""
    org = tool().current_org()
    return org is not None and org.id == study.org_id


def expiring_kits(study: Study, days: int = EXPIRING_DAYS) -> list[Kit]:
    limit = today() + timedelta(days=days)
    return list(tool().db_session().scalars(select(Kit).where(
        Kit.study_id == study.id, Kit.status.in_(("available", "quarantined", "in_transit")),
        Kit.expiry <= limit).order_by(Kit.expiry, Kit.number).limit(200)))


def in_transit(study: Study) -> list[Shipment]:
    return list(tool().db_session().scalars(select(Shipment).where(
        Shipment.study_id == study.id, Shipment.status.in_(("requested", "shipped")))
        .order_by(Shipment.id.desc())))


def recent_entries(study: Study, limit: int = 15) -> list[tuple[LedgerEntry, Kit]]:
    return list(tool().db_session().execute(select(LedgerEntry, Kit).join(Kit, Kit.id == LedgerEntry.kit_id).where(
        LedgerEntry.study_id == study.id).order_by(LedgerEntry.id.desc()).limit(limit)).all())


def stock_json(study: Study) -> dict:
    data = {"sites": [row.as_json() for row in site_rows(study)]}
    if sees_depots(study):
        data["depots"] = depot_rows(study)
    return data
