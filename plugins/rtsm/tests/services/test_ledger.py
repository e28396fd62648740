"""The stock ledger: append-only, reversible for quarantine, release, return and receipt, and its
sum equal to the kits on hand after quarantine, return and destruction; each change audited with
its reason, the arm never in the audit trail."""
import pytest
from sqlalchemy import select

from plugins.rtsm.models import Kit, LedgerEntry
from plugins.rtsm.services import kit_returns, ledger
from plugins.rtsm.services.errors import ConflictError, RtsmInputError
from sdk import tool

from ..supply_world import (
    add_kits,
    as_owner,
    as_user,
    kit_named,
    kit_rows,
    ledger_matches_stock,
    randomize,
    stock_site,
)


def _kit(number):
    return kit_named(tool().db_session(), number)


def _entry(number, kind):
    kit = _kit(number)
    return tool().db_session().scalar(select(LedgerEntry).where(LedgerEntry.kit_id == kit.id, LedgerEntry.kind == kind)
                                      .order_by(LedgerEntry.id.desc()))


def _status(sponsor, number):
    return sponsor.run(lambda session: kit_named(session, number).status)


def test_quarantine_release_and_their_reversal_keep_the_kit_on_the_shelf(sponsor):
    add_kits(sponsor, kit_rows(1, 0))
    as_owner(sponsor, lambda study: kit_returns.quarantine(_kit("K0001"), "Temperature excursion"))
    assert _status(sponsor, "K0001") == "quarantined"
    undo = as_owner(sponsor, lambda study: ledger.reverse(_entry("K0001", "quarantined"), "Logger was faulty").quantity)
    assert undo == 0 and _status(sponsor, "K0001") == "available"
    with pytest.raises(ConflictError, match="reversed already"):
        as_owner(sponsor, lambda study: ledger.reverse(_entry("K0001", "quarantined"), "again"))
    assert sponsor.run(lambda session: ledger_matches_stock(session, sponsor.study_id)) == []


def test_a_mistaken_receipt_is_reversed_as_damaged_and_leaves_stock(sponsor):
    stock_site(sponsor, "S01", 1, 0)

    def attempt(study):
        try:
            ledger.reverse(_entry("K0001", "received"), "", condition="broken")
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, attempt) == [
        "Give the reason for reversing this entry.",
        "Say what the kit really was when the receipt is undone: damaged or missing."]
    as_owner(sponsor, lambda study: ledger.reverse(_entry("K0001", "received"), "Vial cracked", condition="damaged"))

    def check(session):
        site_entries = [(e.kind, e.quantity) for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.site_id == sponsor.site_ids["S01"]).order_by(LedgerEntry.id))]
        return kit_named(session, "K0001").status, site_entries, ledger_matches_stock(session, sponsor.study_id)
    assert sponsor.run(check) == ("damaged", [("received", 1), ("reversal", -1)], [])


def test_return_and_destruction_with_reasons_in_the_audit_trail_and_no_arm(sponsor):
    stock_site(sponsor, "S01", 3, 3)
    _, _, number = randomize(sponsor, "S01-001")
    as_owner(sponsor, lambda study: kit_returns.take_back(_kit(number), "Subject withdrew"))
    assert _status(sponsor, number) == "returned"
    with pytest.raises(RtsmInputError, match="Give the reason the kit is destroyed"):
        as_owner(sponsor, lambda study: kit_returns.destroy(_kit(number), " "))
    as_owner(sponsor, lambda study: kit_returns.destroy(_kit(number), "Destroyed on site, certificate 12"))

    def check(session):
        kit = kit_named(session, number)
        history = tool().audit.history(entity_type="kit", entity_id=str(kit.id))
        text = repr([(entry.action, entry.changes, entry.reason) for entry in history])
        kinds = [e.kind for e in session.scalars(select(LedgerEntry).where(LedgerEntry.kit_id == kit.id)
                                                 .order_by(LedgerEntry.id))]
        return kit.status, kinds, text, ledger_matches_stock(session, sponsor.study_id)
    status, kinds, audit_text, wrong = sponsor.run(check)
    assert status == "destroyed" and wrong == []
    assert kinds == ["received", "shipped", "received", "dispensed", "returned", "destroyed"]
    assert "Destroyed on site, certificate 12" in audit_text and "arm_code" not in audit_text


def test_moves_out_of_order_are_refused(sponsor):
    stock_site(sponsor, "S01", 1, 1)
    with pytest.raises(ConflictError, match="only a kit that is returned or quarantined can be destroyed"):
        as_owner(sponsor, lambda study: kit_returns.destroy(_kit("K0001"), "why not"))
    with pytest.raises(ConflictError, match="only a kit that is dispensed can be returned"):
        as_owner(sponsor, lambda study: kit_returns.take_back(_kit("K0001")))
    with pytest.raises(ConflictError, match="cannot be reversed"):
        as_owner(sponsor, lambda study: ledger.reverse(_entry("K0001", "shipped"), "oops"))
    assert [_status(sponsor, n) for n in ("K0001", "K0002")] == ["available", "available"]


def test_site_staff_of_another_site_cannot_touch_a_kit(sponsor):
    stock_site(sponsor, "S01", 1, 0)
    org, owner = sponsor.share_site("lyon-site", "S02", ["site_staff"])

    def attempt(session):
        return session.scalar(select(Kit).where(Kit.number == "K0001"))
    assert as_user(sponsor, owner, attempt, org=org) is None       # another site's kit is not there
