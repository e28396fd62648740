"""Min/max resupply: below the trigger a shipment tops the site up to max; in-transit kits count;
an open request is not doubled; a short depot sends what it has, an empty one notifies the
supply managers, and nothing crashes."""
from sqlalchemy import select

from plugins.rtsm.models import Kit, Shipment
from plugins.rtsm.services import resupply, shipments
from plugins.rtsm.services.jobs import JOB_HANDLERS

from ..supply_world import activate, add_kits, as_owner, kit_rows, shipment_by_number


def _run(sponsor):
    return as_owner(sponsor, lambda study: [r.as_json() for r in resupply.run(study)])


def test_a_site_below_its_trigger_is_topped_up_to_max(sponsor):
    add_kits(sponsor, kit_rows(12, 6))
    activate(sponsor, "S01", initial_kits=0, min_stock=3, max_stock=6)
    results = _run(sponsor)
    assert results == [{"site": "S01", "stock": 0, "in_transit": 0, "min_stock": 3, "max_stock": 6,
                        "action": "Requested shipment SH-0001 of 6 kit(s).", "shipment": "SH-0001",
                        "requested": 6, "short": False}]
    again = _run(sponsor)                                                # requested, not shipped: waits
    assert again[0]["action"] == "Shipment SH-0001 is requested already; waiting for it."
    as_owner(sponsor, lambda study: shipments.ship(shipment_by_number(_session(), "SH-0001")))
    third = _run(sponsor)                                                # in transit counts as stock
    assert third[0]["in_transit"] == 6 and third[0]["action"] == "Stock reaches the trigger; nothing to send."


def _session():
    from sdk import tool

    return tool().db_session()


def test_a_short_depot_sends_what_it_has_and_an_empty_one_notifies(sponsor):
    add_kits(sponsor, kit_rows(2, 0))
    activate(sponsor, "S01", initial_kits=0, min_stock=4, max_stock=5)
    activate(sponsor, "S02", initial_kits=0, min_stock=1, max_stock=2)
    results = _run(sponsor)
    assert results[0]["requested"] == 2 and results[0]["short"] is True
    assert results[0]["action"] == "Requested shipment SH-0001 of 2 kit(s) (3 short; the supply managers were notified)."
    assert results[1] == {"site": "S02", "stock": 0, "in_transit": 0, "min_stock": 1, "max_stock": 2,
                          "action": "Needs 2 kit(s), but the depot has none that can be shipped; the supply "
                                    "managers were notified.", "shipment": None, "requested": 0, "short": True}
    page = sponsor.client.get("/notifications").get_data(as_text=True)
    assert "depot D01 is short of kits for site S02" in page and "depot D01 is short of kits for site S01" in page


def test_sites_not_activated_are_left_alone(sponsor):
    add_kits(sponsor, kit_rows(2, 1))
    assert _run(sponsor) == []
    assert sponsor.run(lambda session: session.scalars(select(Shipment)).all()) == []


def test_the_resupply_job_runs_the_same(sponsor):
    add_kits(sponsor, kit_rows(4, 2))
    activate(sponsor, "S01", initial_kits=0, min_stock=2, max_stock=3)
    result = as_owner(sponsor, lambda study: JOB_HANDLERS["resupply"](lambda *a, **k: None, study_id=study.id))
    assert result.summary == "Resupply checked 1 site(s) and requested 1 shipment(s)."
    assert sponsor.run(lambda session: len([k for k in session.scalars(select(Kit)) if k.shipment_id])) == 3
