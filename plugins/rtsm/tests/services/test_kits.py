"""The kit list: all or nothing, every bad row named, kits at their depot with a ledger entry."""
from sqlalchemy import func, select

from plugins.rtsm.models import Kit, LedgerEntry, Study
from plugins.rtsm.services import kits
from plugins.rtsm.services.errors import NotAllowed, RtsmInputError

from ..supply_world import FAR, add_kits, as_owner, as_user, kit_rows, ledger_matches_stock


def test_kits_arrive_available_at_the_depot_with_a_receipt_in_the_ledger(sponsor):
    assert add_kits(sponsor, kit_rows(2, 1)) == ["K0001", "K0002", "K0003"]

    def check(session):
        rows = session.scalars(select(Kit).order_by(Kit.number)).all()
        entries = session.scalars(select(LedgerEntry)).all()
        return ([(k.status, k.arm_code, k.depot_id is not None, k.site_id) for k in rows],
                [(e.kind, e.quantity) for e in entries], ledger_matches_stock(session, sponsor.study_id))
    statuses, entries, wrong = sponsor.run(check)
    assert statuses == [("available", "A", True, None)] * 2 + [("available", "P", True, None)]
    assert entries == [("received", 1)] * 3 and wrong == []


def test_every_bad_row_is_named_and_nothing_is_written(sponsor):
    add_kits(sponsor, kit_rows(1, 0))
    rows = [{"kit": "K0001", "arm": "A", "lot": "L", "expiry": FAR},           # row 1: in the list already
            {"kit": "K0100", "arm": "X", "lot": "L", "expiry": "2030-13-01"},  # row 2: arm and date
            {"kit": "K0100", "arm": "P", "lot": "", "expiry": FAR},            # row 3: twice, no lot
            {"kit": "K0101", "arm": "P", "lot": "L", "expiry": FAR, "depot": "D99"}]

    def attempt(study):
        try:
            kits.add_kits(study, rows)
        except RtsmInputError as problems:
            return problems.messages
    messages = as_owner(sponsor, attempt)
    assert messages == [
        "row 1: kit K0001 is in the kit list already.",
        "row 2: the arm must be one of the study's arm codes (A, P).",
        "row 2: the expiry must be a date written YYYY-MM-DD.",
        "row 3: kit K0100 is also on row 2.",
        "row 3: the lot is required (at most 60 characters).",
        "row 4: there is no depot 'D99' in this study."]
    assert sponsor.run(lambda session: session.scalar(select(func.count(Kit.id)))) == 1


def test_a_csv_with_a_header_counts_rows_as_the_file_does(sponsor):
    text = "Kit number,Arm,Lot,Expiry,Depot\nK1,A,L1,2031-01-01,D01\nK2,B,L1,2031-01-01,\n"

    def attempt(study):
        try:
            kits.add_kits_from_csv(study, text.encode())
        except RtsmInputError as problems:
            return problems.messages
    assert as_owner(sponsor, attempt) == ["row 3: the arm must be one of the study's arm codes (A, P)."]
    added = as_owner(sponsor, lambda study: len(kits.add_kits_from_csv(study, text.replace(",B,", ",P,").encode())))
    assert added == 2


def test_a_blinded_member_without_manage_supply_cannot_add_kits(sponsor):
    blinded = sponsor.member("bob@acme-pharma.example.org", "Bob Blinded", "blinded")

    def attempt(session):
        from plugins.rtsm.services.supply_access import require_supply_manager
        try:
            require_supply_manager(session.get(Study, sponsor.study_id))
        except NotAllowed as refused:
            return str(refused)
    assert "manage_supply" in as_user(sponsor, blinded, attempt)
