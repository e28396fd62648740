"""The stock ledger: every movement of a kit in or out of a depot's or a site's stock on hand.

Append-only: entries are never changed or deleted; a mistake is undone by :func:`reverse`, an
entry of the opposite quantity pointing at the one it undoes.

**Stock on hand** at a location is the sum of its entries, and always equals the number of kits
physically there in a *stock status*: ``available``, ``quarantined`` (held aside, still on the
shelf) and ``returned`` (brought back by a subject, waiting for destruction). A kit at a depot has
``depot_id`` and no ``site_id``; a kit at a site has ``site_id`` (and no ``depot_id``); a kit in
transit has both and is nobody's stock. Quantities:

- +1 ``received`` (a kit list at a depot, a kit arriving in good condition at a site),
  ``returned`` (a subject brings a kit back);
- -1 ``shipped`` (leaves the depot), ``dispensed`` (given to a subject), ``destroyed``;
- 0 ``quarantined``, ``released``, ``damaged``, ``missing``: recorded for accountability, no
  change to what is on the shelf (a damaged or missing kit of a shipment never entered stock);
- the opposite quantity, ``reversal``, for an entry undone.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from sdk import tool
from sdk.audit import reason_for_change

from ..models import Depot, Kit, LedgerEntry, StudySite
from . import current_user_id
from .errors import ConflictError, RtsmInputError

STOCK_STATUSES = ("available", "quarantined", "returned")
#: what reversing an entry of this kind does to the kit: the status it had before, or None when
#: the person says what it really was (a receipt: "damaged" or "missing")
REVERSIBLE = {"quarantined": "available", "released": "quarantined", "received": None, "returned": "dispensed"}
RECEIPT_CONDITIONS = ("damaged", "missing")
#: the longest reason for a kit's movement (the ledger reference keeps 200 characters; the audit all)
MAX_REASON = 200

Location = Depot | StudySite


def location_of(entry: LedgerEntry) -> Location:
    session = tool().db_session()
    return session.get(StudySite, entry.site_id) if entry.site_id else session.get(Depot, entry.depot_id)


def record(kit: Kit, location: Location, quantity: int, kind: str, reference: str = "",
           reverses: LedgerEntry | None = None) -> LedgerEntry:
    """Append one entry for ``kit`` at ``location`` (a depot or a site)."""
    at_site = isinstance(location, StudySite)
    entry = LedgerEntry(study_id=kit.study_id, kit_id=kit.id, quantity=quantity, kind=kind,
                        depot_id=None if at_site else location.id, site_id=location.id if at_site else None,
                        reference=reference[:200], at=datetime.now(UTC), by_id=current_user_id(),
                        reverses_id=reverses.id if reverses is not None else None)
    tool().db_session().add(entry)
    tool().db_session().flush()
    return entry


def _where(location: Location):
    if isinstance(location, StudySite):
        return LedgerEntry.site_id == location.id
    return (LedgerEntry.depot_id == location.id) & LedgerEntry.site_id.is_(None)


def stock_on_hand(location: Location) -> int:
    """The sum of the location's entries."""
    return int(tool().db_session().scalar(select(func.coalesce(func.sum(LedgerEntry.quantity), 0))
                                          .where(_where(location))) or 0)


def kits_on_hand(location: Location) -> int:
    """The kits physically at the location in a stock status (what the ledger must add up to)."""
    if isinstance(location, StudySite):
        where = (Kit.site_id == location.id) & Kit.depot_id.is_(None)
    else:
        where = (Kit.depot_id == location.id) & Kit.site_id.is_(None)
    return int(tool().db_session().scalar(select(func.count(Kit.id)).where(where, Kit.status.in_(STOCK_STATUSES))))


def entries_of_kit(kit: Kit) -> list[LedgerEntry]:
    return list(tool().db_session().scalars(
        select(LedgerEntry).where(LedgerEntry.kit_id == kit.id).order_by(LedgerEntry.id)))


def is_reversed(entry: LedgerEntry) -> bool:
    return tool().db_session().scalar(
        select(func.count(LedgerEntry.id)).where(LedgerEntry.reverses_id == entry.id)) > 0


def _reversal_problems(entry: LedgerEntry, reason: str, condition: str | None) -> RtsmInputError:
    problems = RtsmInputError()
    if not reason.strip():
        problems.add("reason", "Give the reason for reversing this entry.")
    elif len(reason.strip()) > MAX_REASON:
        problems.add("reason", f"Keep the reason to {MAX_REASON} characters.")
    if entry.kind == "received" and condition not in RECEIPT_CONDITIONS:
        problems.add("condition", "Say what the kit really was when the receipt is undone: damaged or missing.")
    return problems


def reverse(entry: LedgerEntry, reason: str, condition: str | None = None) -> LedgerEntry:
    """Undo ``entry`` with an opposite entry and put its kit back as it was (audited with the
    reason): a quarantine (the kit is available again), a release (quarantined again), a return
    (dispensed again), or a receipt (the kit was in fact ``damaged`` or ``missing``: ``condition``).
    Shipping, dispensing and destruction are undone by their own actions, never here."""
    if entry.kind not in REVERSIBLE or entry.reverses_id is not None:
        raise ConflictError(f"A '{entry.kind}' entry cannot be reversed: only quarantine, release, return and "
                            "receipt entries can.")
    if is_reversed(entry):
        raise ConflictError("This entry has been reversed already.")
    kit = tool().db_session().get(Kit, entry.kit_id)
    expected = {"quarantined": "quarantined", "released": "available", "received": "available",
                "returned": "returned"}[entry.kind]
    location = location_of(entry)
    here = (kit.site_id == entry.site_id) if entry.site_id else (kit.depot_id == entry.depot_id and kit.site_id is None)
    if kit.status != expected or not here:
        raise ConflictError(f"Kit {kit.number} has moved on since this entry (it is {kit.status} now); "
                            "it cannot be reversed.")
    _reversal_problems(entry, reason, condition).raise_if_any()
    with reason_for_change(reason):
        kit.status = REVERSIBLE[entry.kind] or condition
        undo = record(kit, location, -entry.quantity, "reversal", f"reverses entry {entry.id}: {reason}",
                      reverses=entry)
        tool().audit.record(entity_type="ledger", entity_id=str(entry.id), action="reversed",
                            changes={"kit": [None, kit.number], "kind": [None, entry.kind], "reversal": [None, undo.id]},
                            reason=reason)
        tool().db_session().flush()
    return undo
