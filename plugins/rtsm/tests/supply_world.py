"""Helpers shared by the supply tests: a kit list, actions as the sponsor's owner (who holds
manage_supply as an owner, but is blinded), and reading the ledger invariant."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from plugins.rtsm.models import Depot, Kit, Shipment, Study, StudySite
from plugins.rtsm.services import depots, kits, ledger
from sdk import org_scope, tool
from sdk.tool import host_runs_tool

FAR = (date.today() + timedelta(days=720)).isoformat()


def kit_rows(count_a: int = 8, count_p: int = 4, *, expiry: str = FAR, start: int = 1, depot: str = "") -> list[dict]:
    rows = [{"kit": f"K{start + i:04d}", "arm": "A" if i < count_a else "P", "lot": "L1", "expiry": expiry}
            for i in range(count_a + count_p)]
    if depot:
        for row in rows:
            row["depot"] = depot
    return rows


def as_user(sponsor, user, fn, *args, org=None, **kwargs):
    """``fn(session, *args)`` as rtsm's code in an API request of ``user`` in the sponsor's (or
    ``org``'s) organization, so ``tool().can`` answers for that person; committed."""
    org = org or sponsor.org
    token = sponsor.support.issue_token(org, user)
    with sponsor.app.test_request_context(f"/api/v1/o/{org.slug}/rtsm/studies",
                                          headers={"Authorization": f"Bearer {token}"}):
        sponsor.app.preprocess_request()
        with org_scope(org.id), host_runs_tool("rtsm"):
            result = fn(tool().db_session(), *args, **kwargs)
            tool().db_session().commit()
            return result


def as_owner(sponsor, fn, *args, **kwargs):
    """``fn(study, *args)`` as the sponsor's owner, committed."""
    return as_user(sponsor, sponsor.owner, lambda session: fn(session.get(Study, sponsor.study_id), *args, **kwargs))


def add_kits(sponsor, rows) -> list[str]:
    return as_owner(sponsor, lambda study: [kit.number for kit in kits.add_kits(study, rows)])


def site(study: Study, code: str) -> StudySite:
    return next(s for s in study.sites if s.code == code)


def activate(sponsor, code: str, **settings) -> str | None:
    """Set the site's supply settings, activate it; the initial shipment's number (or None)."""
    def go(study):
        target = site(study, code)
        if settings:
            depots.set_site_supply(target, settings)
        shipment = depots.activate_site(target)
        return shipment.number if shipment else None
    return as_owner(sponsor, go)


def shipment_by_number(session, number: str) -> Shipment:
    return session.scalar(select(Shipment).where(Shipment.number == number))


def kit_named(session, number: str) -> Kit:
    return session.scalar(select(Kit).where(Kit.number == number))


def ledger_matches_stock(session, study_id: int) -> list[tuple[str, int, int]]:
    """(location, ledger sum, kits on hand) for every depot and site where they differ."""
    wrong = []
    places = list(session.scalars(select(Depot).where(Depot.study_id == study_id))) + list(
        session.scalars(select(StudySite).where(StudySite.study_id == study_id)))
    for place in places:
        summed, counted = ledger.stock_on_hand(place), ledger.kits_on_hand(place)
        if summed != counted:
            wrong.append((place.code, summed, counted))
    return wrong


def stock_site(sponsor, code: str, count_a: int = 4, count_p: int = 2, *, start: int = 1, expiry: str = FAR) -> str:
    """Kits at site ``code``: added, shipped and received (the site is activated with them)."""
    from plugins.rtsm.services import shipments

    add_kits(sponsor, kit_rows(count_a, count_p, start=start, expiry=expiry))
    number = activate(sponsor, code, initial_kits=count_a + count_p, min_stock=0, max_stock=count_a + count_p)

    def move(study):
        shipment = shipment_by_number(tool().db_session(), number)
        shipments.receive(shipments.ship(shipment))
    as_owner(sponsor, move)
    return number


def randomize(sponsor, subject: str, code: str = "S01", sex: str = "F"):
    """Randomize a subject as the owner; (allocation id, arm, kit number or None)."""
    from plugins.rtsm.services import randomization

    def go(study):
        allocation, _ = randomization.randomize(study, subject=subject, site=site(study, code), factors={"sex": sex})
        kit = tool().db_session().get(Kit, allocation.kit_id) if allocation.kit_id else None
        return allocation.id, allocation.arm_code, kit.number if kit else None
    return as_owner(sponsor, go)
