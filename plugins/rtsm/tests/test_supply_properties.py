"""Supply properties (hypothesis): resupply reaches the trigger or orders; nothing ships within the
do-not-ship window; nothing expired, within the do-not-dispense window or of another arm is
dispensed; and after any sequence of receipts, shipments, dispensing, returns, quarantines,
destructions and reversals, each location's ledger sum equals the kits on hand.

The pure rules are checked directly; the database properties build a fresh study per example
(the sponsor fixture is made once per test), so examples never see each other's kits."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from plugins.rtsm.domain.supply import (
    KitView,
    dispensable,
    kit_to_dispense,
    pick_kits,
    shippable,
    split_by_ratio,
)
from plugins.rtsm.models import Kit, LedgerEntry, Shipment, Study
from plugins.rtsm.services import (
    depots,
    dispensing,
    kit_returns,
    kits,
    ledger,
    randomization,
    resupply,
    shipments,
    supply_access,
)
from plugins.rtsm.services.errors import ConflictError, RtsmInputError
from plugins.rtsm.services.studies import create_study

from .conftest import STUDY
from .supply_world import as_user, ledger_matches_stock, site

TODAY = date.today()
DB = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
counter = itertools.count(1)

kit_views = st.lists(st.builds(KitView, number=st.text("K0123456789", min_size=1, max_size=6),
                               arm=st.sampled_from(["A", "P", "B"]),
                               expiry=st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=400))),
                     max_size=30, unique_by=lambda kit: kit.number)


@settings(max_examples=200, deadline=None)
@given(quantity=st.integers(0, 60), ratios=st.dictionaries(st.sampled_from("ABCD"), st.integers(1, 4), min_size=1),
       have=st.dictionaries(st.sampled_from("ABCD"), st.integers(0, 20)))
def test_a_split_by_ratio_always_sums_to_the_quantity(quantity, ratios, have):
    split = split_by_ratio(quantity, ratios, have)
    assert sum(split.values()) == quantity and min(split.values()) >= 0 and set(split) == set(ratios)


@settings(max_examples=200, deadline=None)
@given(kits_=kit_views, window=st.integers(0, 120), counts=st.dictionaries(st.sampled_from(["A", "P"]), st.integers(0, 8)))
def test_picked_kits_are_shippable_when_offered_shippable_kits(kits_, window, counts):
    offered = [kit for kit in kits_ if shippable(kit.expiry, TODAY, window)]
    chosen = pick_kits(offered, counts)
    assert len({kit.number for kit in chosen}) == len(chosen) <= sum(counts.values())
    assert all(shippable(kit.expiry, TODAY, window) for kit in chosen)


@settings(max_examples=200, deadline=None)
@given(kits_=kit_views, arm=st.sampled_from(["A", "P"]), window=st.integers(0, 120))
def test_the_kit_to_dispense_is_never_expired_late_or_of_another_arm(kits_, arm, window):
    kit = kit_to_dispense(kits_, arm, TODAY, window)
    fitting = [k for k in kits_ if k.arm == arm and dispensable(k.expiry, TODAY, window)]
    if kit is None:
        assert fitting == []
    else:
        assert kit.arm == arm and kit.expiry > TODAY and dispensable(kit.expiry, TODAY, window)
        assert kit.expiry == min(k.expiry for k in fitting)


# -- with the database ----------------------------------------------------------------------

def _new_study(session) -> Study:
    return create_study(dict(STUDY, name=f"Property study {next(counter)}"))


def _kit_rows(expiries: list[int], arms: list[str]) -> list[dict]:
    base = next(counter) * 1000
    return [{"kit": f"P{base + i}", "arm": arm, "lot": "L", "expiry": (TODAY + timedelta(days=days)).isoformat()}
            for i, (days, arm) in enumerate(zip(expiries, arms))]


def _stock_site(study, code, rows):
    """Kits of ``rows`` added, shipped and received at site ``code`` (activated with them)."""
    target = site(study, code)
    kits.add_kits(study, rows)
    depots.set_site_supply(target, {"initial_kits": len(rows), "min_stock": 0, "max_stock": 0})
    shipment = depots.activate_site(target)
    if shipment is not None:
        shipments.receive(shipments.ship(shipment))


@DB
@given(depot_days=st.lists(st.integers(1, 400), max_size=16), window=st.integers(0, 120),
       quantity=st.integers(1, 10))
def test_no_kit_ships_within_the_do_not_ship_window(sponsor, depot_days, window, quantity):
    def go(session):
        study = _new_study(session)
        depots.set_windows(study, {"do_not_ship_days": window, "do_not_dispense_days": 0})
        kits.add_kits(study, _kit_rows(depot_days, ["A", "P"] * 8)) if depot_days else None
        target = site(study, "S01")
        depots.set_site_supply(target, {"initial_kits": quantity, "min_stock": 0, "max_stock": quantity})
        shipment = depots.activate_site(target)
        if shipment is None:
            assert not any(shippable(TODAY + timedelta(days=d), TODAY, window) for d in depot_days)
            return
        shipped = shipments.ship(shipment)
        assert all(shippable(kit.expiry, TODAY, window) for kit in shipments.kits_of(shipped))
    as_user(sponsor, sponsor.owner, go)


@DB
@given(depot_kits=st.integers(0, 12), site_kits=st.integers(0, 6), min_stock=st.integers(0, 6),
       extra=st.integers(0, 6), ship_first=st.booleans())
def test_after_a_resupply_run_every_site_reaches_its_trigger_or_has_an_order(sponsor, depot_kits, site_kits,
                                                                           min_stock, extra, ship_first):
    def go(session):
        study = _new_study(session)
        if site_kits:
            _stock_site(study, "S01", _kit_rows([300] * site_kits, ["A", "A", "P"] * 4))
        else:
            depots.activate_site(site(study, "S01"))
        depots.activate_site(site(study, "S02"))
        if depot_kits:
            kits.add_kits(study, _kit_rows([300] * depot_kits, ["A", "P"] * 6))
        for code in ("S01", "S02"):
            depots.set_site_supply(site(study, code), {"min_stock": min_stock, "max_stock": min_stock + extra})
        results = resupply.run(study)
        if ship_first:
            for shipment in session.scalars(select(Shipment).where(Shipment.study_id == study.id,
                                                                    Shipment.status == "requested")):
                shipments.ship(shipment)
        for code, result in zip(("S01", "S02"), results):
            stock = resupply.site_stock(site(study, code))
            ordered = shipments.open_request(site(study, code)) is not None
            depot_empty = not shipments.free_kits_at(site(study, code).depot_id or supply_access.depot_of(
                site(study, code)).id, study)
            assert stock.counted >= min_stock or ordered or (result.short and depot_empty), (code, result)
    as_user(sponsor, sponsor.owner, go)


@DB
@given(days=st.lists(st.integers(61, 900), min_size=0, max_size=8), dispense_window=st.integers(0, 900),
       subjects=st.integers(1, 4))
def test_no_expired_late_or_wrong_arm_kit_is_dispensed(sponsor, days, dispense_window, subjects):
    def go(session):
        study = _new_study(session)
        if days:
            _stock_site(study, "S01", _kit_rows(days, ["A", "P", "A"] * 3))
        depots.set_windows(study, {"do_not_ship_days": max(dispense_window, 60), "do_not_dispense_days": dispense_window})
        for number in range(subjects):
            try:
                with session.begin_nested():
                    allocation, _ = randomization.randomize(study, subject=f"X{number}", site=site(study, "S01"),
                                                            factors={"sex": "F"})
            except dispensing.NoKitToDispense:
                continue
            kit = session.get(Kit, allocation.kit_id) if allocation.kit_id else None
            if kit is None:
                assert not days
                continue
            assert kit.arm_code == allocation.arm_code and kit.site_id == allocation.site_id
            assert kit.expiry > TODAY and dispensable(kit.expiry, TODAY, dispense_window)
    as_user(sponsor, sponsor.owner, go)


OPERATIONS = ("add", "ship", "receive", "dispense", "return", "quarantine", "release", "destroy", "reverse")


def _apply(session, study, operation, pick, subjects):
    """Apply one operation to a kit chosen by ``pick``; an operation that does not apply is skipped."""
    def one(stmt):
        rows = list(session.scalars(stmt.order_by(Kit.id)))
        return rows[pick % len(rows)] if rows else None
    mine = select(Kit).where(Kit.study_id == study.id)
    if operation == "add":
        kits.add_kits(study, _kit_rows([300, 300, 300], ["A", "P", "A"]))
    elif operation == "ship":
        target = site(study, "S01" if pick % 2 else "S02")
        if shipments.open_request(target) is None and shipments.free_kits_at(supply_access.depot_of(target).id, study):
            shipments.ship(shipments.request_shipment(target, quantity=1 + pick % 3, partial=True))
    elif operation == "receive":
        shipment = session.scalar(select(Shipment).where(Shipment.study_id == study.id, Shipment.status == "shipped"))
        if shipment is not None:
            numbers = [kit.number for kit in shipments.kits_of(shipment)]
            shipments.receive(shipment, {n: ("received", "damaged", "missing")[(pick + i) % 3]
                                         for i, n in enumerate(numbers)})
    elif operation == "dispense":
        try:
            with session.begin_nested():
                randomization.randomize(study, subject=f"S{next(subjects)}", site=site(study, "S01"),
                                        factors={"sex": "M"})
        except RtsmInputError:
            pass
    elif operation in ("return", "quarantine", "release", "destroy"):
        status = {"return": "dispensed", "quarantine": "available", "release": "quarantined",
                  "destroy": "returned"}[operation]
        kit = one(mine.where(Kit.status == status))
        if kit is not None:
            action = {"return": kit_returns.take_back, "quarantine": kit_returns.quarantine,
                      "release": kit_returns.release, "destroy": kit_returns.destroy}[operation]
            action(kit, "property test")
    elif operation == "reverse":
        entries = list(session.scalars(select(LedgerEntry).where(
            LedgerEntry.study_id == study.id, LedgerEntry.kind.in_(tuple(ledger.REVERSIBLE))).order_by(LedgerEntry.id)))
        if entries:
            try:
                with session.begin_nested():
                    ledger.reverse(entries[pick % len(entries)], "property test", condition="missing")
            except ConflictError:
                pass


@DB
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50)), min_size=1, max_size=14))
def test_the_ledger_sum_equals_the_kits_on_hand_after_any_sequence(sponsor, steps):
    def go(session):
        study = _new_study(session)
        kits.add_kits(study, _kit_rows([300] * 6, ["A", "P", "A"] * 2))
        depots.activate_site(site(study, "S01"))
        depots.activate_site(site(study, "S02"))
        subjects = itertools.count(1)
        for operation, pick in steps:
            _apply(session, study, operation, pick, subjects)
            assert ledger_matches_stock(session, study.id) == [], (operation, steps)
    as_user(sponsor, sponsor.owner, go)

