"""Shipments: activation sends the initial kits; kits are chosen by the rules; requested ->
shipped -> received with damaged and missing kits recorded; illegal moves refused, nothing
changed; the ledger follows every step."""
import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from plugins.rtsm.models import Kit, LedgerEntry, Shipment
from plugins.rtsm.services import shipments
from plugins.rtsm.services.errors import ConflictError, RtsmInputError
from sdk import tool

from ..supply_world import (
    activate,
    add_kits,
    as_owner,
    kit_named,
    kit_rows,
    ledger_matches_stock,
    shipment_by_number,
    site,
)


def _kits(session, number):
    shipment = shipment_by_number(session, number)
    return {kit.number: (kit.status, kit.arm_code, kit.site_id, kit.depot_id) for kit in shipments.kits_of(shipment)}


def test_activation_requests_the_initial_kits_by_ratio_earliest_expiry_first(sponsor):
    soon = (date.today() + timedelta(days=200)).isoformat()
    add_kits(sponsor, kit_rows(6, 3))                                 # K0001-K0009, far expiry
    add_kits(sponsor, kit_rows(2, 1, expiry=soon, start=100))          # K0100-K0102, earlier expiry
    number = activate(sponsor, "S01", initial_kits=6, min_stock=2, max_stock=8)
    assert number == "SH-0001"
    chosen = sponsor.run(_kits, number)
    arms = [arm for _, arm, _, _ in chosen.values()]
    assert arms.count("A") == 4 and arms.count("P") == 2             # 2:1
    assert {"K0100", "K0101", "K0102"} <= set(chosen)                  # the earliest expiry goes first
    assert all(status == "available" and site_id is None for status, _, site_id, _ in chosen.values())


def test_kits_within_the_do_not_ship_window_never_ship(sponsor):
    close = (date.today() + timedelta(days=59)).isoformat()          # the study's window is 60 days
    add_kits(sponsor, kit_rows(3, 3, expiry=close))
    add_kits(sponsor, kit_rows(1, 0, start=50))
    number = activate(sponsor, "S01", initial_kits=3)
    assert set(sponsor.run(_kits, number)) == {"K0050"}               # only the one outside the window

    def named(study):
        try:
            shipments.request_shipment(site(study, "S01"), kit_numbers=["K0001"])
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, named) == ["Kit K0001 cannot be shipped from depot D01: it is not an available, "
                                        "unreserved kit there outside the do-not-ship window."]


def test_a_shipment_is_shipped_then_received_with_damaged_and_missing_kits_recorded(sponsor):
    add_kits(sponsor, kit_rows(4, 2))
    number = activate(sponsor, "S01", initial_kits=3)
    as_owner(sponsor, lambda study: shipments.ship(shipment_by_number(tool_session(), number)))
    in_transit = sponsor.run(_kits, number)
    s01 = sponsor.site_ids["S01"]
    assert all(status == "in_transit" and site_id == s01 for status, _, site_id, _ in in_transit.values())
    first, second, third = sorted(in_transit)
    as_owner(sponsor, lambda study: shipments.receive(shipment_by_number(tool_session(), number),
                                                      {second: "damaged", third: "missing"}))

    def after(session):
        statuses = {n: s for n, (s, _, _, _) in _kits(session, number).items()}
        entries = [(e.kind, e.quantity, e.site_id is not None) for e in
                   session.scalars(select(LedgerEntry).where(LedgerEntry.kind != "received"
                                                             ).order_by(LedgerEntry.id))]
        site_entries = [(e.kind, e.quantity) for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.site_id == s01).order_by(LedgerEntry.id))]
        return statuses, entries, site_entries, ledger_matches_stock(session, sponsor.study_id), \
            shipment_by_number(session, number).status
    statuses, entries, site_entries, wrong, status = sponsor.run(after)
    assert statuses == {first: "available", second: "damaged", third: "missing"} and status == "received"
    assert entries[:3] == [("shipped", -1, False)] * 3
    assert sorted(site_entries) == sorted([("received", 1), ("damaged", 0), ("missing", 0)])
    assert wrong == []


def tool_session():
    from sdk import tool

    return tool().db_session()


@pytest.mark.parametrize("move,needs", [(shipments.receive, "shipped"), (shipments.cancel, "requested")])
def test_illegal_moves_are_refused_and_change_nothing(sponsor, move, needs):
    add_kits(sponsor, kit_rows(2, 1))
    number = activate(sponsor, "S01", initial_kits=3)
    if needs == "requested":
        as_owner(sponsor, lambda study: shipments.ship(shipment_by_number(tool_session(), number)))

    def attempt(study):
        try:
            move(shipment_by_number(tool_session(), number))
        except ConflictError as conflict:
            return str(conflict)
    assert f"only a {needs} shipment can be" in as_owner(sponsor, attempt)
    before = sponsor.run(_kits, number)

    def ship_twice(study):
        try:
            shipments.ship(shipment_by_number(tool_session(), number))
            shipments.ship(shipment_by_number(tool_session(), number))
        except ConflictError as conflict:
            tool_session().rollback()
            return str(conflict)
    assert "only a requested shipment can be shipped" in as_owner(sponsor, ship_twice)
    assert sponsor.run(_kits, number) == before


def test_cancelling_frees_the_kits_at_the_depot(sponsor):
    add_kits(sponsor, kit_rows(2, 1))
    number = activate(sponsor, "S01", initial_kits=3)
    as_owner(sponsor, lambda study: shipments.cancel(shipment_by_number(tool_session(), number)))
    assert sponsor.run(lambda session: [k.shipment_id for k in session.scalars(select(Kit))]) == [None] * 3
    again = as_owner(sponsor, lambda study: shipments.request_shipment(site(study, "S01"), quantity=3).number)
    assert again == "SH-0002"


def test_a_manual_shipment_larger_than_the_depot_is_refused_with_what_it_has(sponsor):
    add_kits(sponsor, kit_rows(2, 1))
    activate(sponsor, "S02", initial_kits=0)

    def attempt(study):
        try:
            shipments.request_shipment(site(study, "S02"), quantity=5)
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, attempt) == ["Depot D01 has 3 kit(s) that can be shipped; ask for at most 3."]
    assert sponsor.run(lambda session: kit_named(session, "K0001").shipment_id) is None


def test_a_site_that_is_not_active_gets_no_shipment(sponsor):
    add_kits(sponsor, kit_rows(2, 1))

    def attempt(study):
        try:
            shipments.request_shipment(site(study, "S02"), quantity=1)
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, attempt) == [
        "Site S02 is not active yet: activate it first (that sends its initial shipment)."]
    assert sponsor.run(lambda session: session.scalars(select(Shipment)).all()) == []


def _filing_requests(session):
    rows = session.execute(text("SELECT payload FROM outbox_event WHERE name = 'documents.file_requested'"))
    return [json.loads(payload) if isinstance(payload, str) else payload for (payload,) in rows]


def test_a_received_shipment_files_its_receipt_into_the_sponsors_tmf_without_arms(sponsor, grant_license):
    grant_license(sponsor.org, "edocs", enable=True)
    add_kits(sponsor, kit_rows(2, 2))
    number = activate(sponsor, "S01", initial_kits=2)
    as_owner(sponsor, lambda study: shipments.ship(shipment_by_number(tool_session(), number)))
    assert sponsor.run(_filing_requests) == []
    as_owner(sponsor, lambda study: shipments.receive(shipment_by_number(tool_session(), number)))
    (payload,) = sponsor.run(_filing_requests)
    assert (payload["trial_ref"], payload["artifact"], payload["level"], payload["site_ref"],
            payload["source_tool"]) == ("HF-301", "06.01.04", "site", "S01", "rtsm")
    receipt = list(csv.reader(io.StringIO(sponsor.run(lambda session: tool().storage.get(payload["file_key"])).decode())))
    assert receipt[0] == ["shipment", "site", "shipped_at", "received_at", "kit", "lot", "expiry", "condition"]
    assert len(receipt) == 3 and all(row[0] == number and row[-1] == "received" for row in receipt[1:])
    assert not any(cell in ("A", "P") for row in receipt for cell in row)  # no arm in the TMF


def test_without_a_document_tool_receiving_files_nothing(sponsor):
    add_kits(sponsor, kit_rows(2, 2))
    number = activate(sponsor, "S01", initial_kits=2)
    as_owner(sponsor, lambda study: shipments.ship(shipment_by_number(tool_session(), number)))
    as_owner(sponsor, lambda study: shipments.receive(shipment_by_number(tool_session(), number)))
    assert sponsor.run(_filing_requests) == []
