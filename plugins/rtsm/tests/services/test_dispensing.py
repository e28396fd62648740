"""Dispensing: a randomized subject gets a valid kit of their arm at their site, earliest expiry
first; a later visit another of the same arm; no kit -> a refusal that names no arm, and the
supply managers hear of it; each dispense in the ledger and the outbox."""
from datetime import date, timedelta

from sqlalchemy import select

from plugins.rtsm.models import Allocation, Kit, LedgerEntry
from plugins.rtsm.services import depots, dispensing
from plugins.rtsm.services.errors import RtsmInputError
from sdk import tool

from ..supply_world import as_owner, kit_named, ledger_matches_stock, randomize, stock_site


def test_without_a_kit_list_randomization_assigns_no_kit(sponsor):
    _, _, kit = randomize(sponsor, "S01-001")
    assert kit is None


def test_randomization_dispenses_a_kit_of_the_arm_at_the_site_earliest_expiry_first(sponsor):
    soon = (date.today() + timedelta(days=100)).isoformat()
    stock_site(sponsor, "S01", 3, 3, expiry=soon)                     # K0001-K0006, expiring sooner
    stock_site(sponsor, "S02", 3, 3, start=10)                        # the other site's kits
    allocation_id, arm, number = randomize(sponsor, "S01-001")

    def check(session):
        kit = kit_named(session, number)
        allocation = session.get(Allocation, allocation_id)
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.kit_id == kit.id, LedgerEntry.kind == "dispensed"))
        return (kit.arm_code, kit.site_id, kit.status, kit.allocation_id, allocation.kit_id == kit.id,
                entry.quantity, ledger_matches_stock(session, sponsor.study_id))
    kit_arm, site_id, status, to, linked, quantity, wrong = sponsor.run(check)
    assert kit_arm == arm and site_id == sponsor.site_ids["S01"] and status == "dispensed"
    assert to == allocation_id and linked and quantity == -1 and wrong == []
    assert number == ("K0001" if arm == "A" else "K0004")              # earliest expiry, then number


def test_a_later_visit_gets_another_kit_of_the_same_arm_and_an_event(sponsor, monkeypatch):
    from plugins.rtsm.services import events

    stock_site(sponsor, "S01", 4, 4)
    allocation_id, arm, first = randomize(sponsor, "S01-001")
    announced = []
    monkeypatch.setattr(events, "kit_dispensed", lambda study, allocation, kit: announced.append(
        (allocation.subject, kit.number)))

    def again(session):
        allocation = session.get(Allocation, allocation_id)
        kit = dispensing.dispense_next(allocation)
        return kit.number, kit.arm_code, [k.number for k in dispensing.kits_of_subject(allocation)]
    number, kit_arm, all_kits = as_owner(sponsor, lambda study: again(tool().db_session()))
    assert kit_arm == arm and number != first and all_kits == [first, number]
    assert announced == [("S01-001", number)]


def test_no_valid_kit_is_refused_without_naming_the_arm_and_nothing_is_written(sponsor):
    stock_site(sponsor, "S01", 2, 2)                                   # kits expiring in 720 days
    as_owner(sponsor, lambda study: depots.set_windows(study, {"do_not_ship_days": 800, "do_not_dispense_days": 750}))

    def attempt(study):
        from plugins.rtsm.services import randomization

        from ..supply_world import site
        try:
            randomization.randomize(study, subject="S01-009", site=site(study, "S01"), factors={"sex": "M"})
        except dispensing.NoKitToDispense as short:
            tool().db_session().rollback()
            dispensing.report_shortage(short)
            return short.messages
    messages = as_owner(sponsor, attempt)
    assert messages == ["No kit can be dispensed for this subject at site S01; the supply manager has been notified."]
    assert sponsor.run(lambda session: session.scalars(select(Allocation)).all()) == []
    page = sponsor.client.get("/notifications").get_data(as_text=True)
    assert "no kit could be dispensed at site S01" in page
    assert "Cardiozol" not in page and "Placebo" not in page


def test_dispensing_for_a_study_without_kits_is_refused(sponsor):
    allocation_id, _, _ = randomize(sponsor, "S01-001")

    def attempt(session):
        try:
            dispensing.dispense_next(session.get(Allocation, allocation_id))
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, lambda study: attempt(tool().db_session())) == [
        "This study has no kit list: nothing is dispensed."]
    assert sponsor.run(lambda session: session.scalars(select(Kit)).all()) == []
