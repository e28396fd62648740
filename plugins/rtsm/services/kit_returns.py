"""Kits leaving normal use: quarantine (and release), a subject's return, destruction. Each is
audited on the kit (with the reason given) and written to the ledger (see :mod:`.ledger` for the
quantities). Site staff quarantine, release and take back kits at their own site
(``receive_shipments``); supply managers do all of it anywhere, and destroy."""
from __future__ import annotations

from sdk import tool
from sdk.audit import reason_for_change

from ..domain.supply import dispensable
from ..models import Depot, Kit, StudySite
from . import ledger
from .errors import ConflictError, NotAllowed, RtsmInputError
from .kits import today
from .supply_access import may_manage_supply


def location(kit: Kit) -> Depot | StudySite | None:
    session = tool().db_session()
    if kit.status == "in_transit":
        return None
    return session.get(StudySite, kit.site_id) if kit.site_id else session.get(Depot, kit.depot_id)


def may_handle(kit: Kit) -> bool:
    """Site staff at the kit's site, or a supply manager of the study."""
    from ..models import Study

    study = tool().db_session().get(Study, kit.study_id)
    if study is not None and may_manage_supply(study):
        return True
    return kit.site_id is not None and tool().can("receive_shipments", tool().db_session().get(StudySite, kit.site_id))


def _check(kit: Kit, allowed: tuple[str, ...], doing: str, reason: str | None, need_reason: bool = True) -> None:
    if not may_handle(kit):
        raise NotAllowed("This needs 'receive_shipments' at the kit's site or 'manage_supply'.")
    if kit.status not in allowed:
        raise ConflictError(f"Kit {kit.number} is {kit.status}; only a kit that is {' or '.join(allowed)} can be "
                            f"{doing}.")
    if need_reason and not (reason or "").strip():
        raise RtsmInputError([("reason", f"Give the reason the kit is {doing}.")])
    _check_length(reason)


def _check_length(reason: str | None) -> None:
    """The reason is kept in the ledger entry's reference: a longer one is refused, not cut."""
    if len((reason or "").strip()) > ledger.MAX_REASON:
        raise RtsmInputError([("reason", f"Keep the reason to {ledger.MAX_REASON} characters.")])


def quarantine(kit: Kit, reason: str) -> Kit:
    """Set an available kit aside (a temperature excursion, a recall): still on the shelf, never
    shipped or dispensed until released."""
    _check(kit, ("available",), "quarantined", reason)
    with reason_for_change(reason):
        kit.status = "quarantined"
        ledger.record(kit, location(kit), 0, "quarantined", reason)
    return kit


def release(kit: Kit, reason: str) -> Kit:
    _check(kit, ("quarantined",), "released", reason)
    with reason_for_change(reason):
        kit.status = "available"
        ledger.record(kit, location(kit), 0, "released", reason)
    return kit


def take_back(kit: Kit, reason: str = "") -> Kit:
    """A subject returns a dispensed kit (used or not): back in the site's stock as ``returned``,
    waiting for destruction; it is never dispensed again."""
    _check(kit, ("dispensed",), "returned", reason, need_reason=False)
    with reason_for_change(reason or None):
        kit.status = "returned"
        ledger.record(kit, location(kit), +1, "returned", reason or "returned by the subject")
    return kit


def destroy(kit: Kit, reason: str) -> Kit:
    """Destroy a returned, quarantined or expired kit at a site or a depot (supply managers)."""
    from ..models import Study

    study = tool().db_session().get(Study, kit.study_id)
    if not may_manage_supply(study):
        raise NotAllowed("Destroying kits needs the 'manage_supply' permission.")
    expired = kit.status == "available" and not dispensable(kit.expiry, today(), 0)
    if not expired:
        _check(kit, ("returned", "quarantined"), "destroyed", reason)
    elif not (reason or "").strip():
        raise RtsmInputError([("reason", "Give the reason the kit is destroyed.")])
    else:
        _check_length(reason)
    with reason_for_change(reason):
        place = location(kit)
        kit.status = "destroyed"
        ledger.record(kit, place, -1, "destroyed", reason)
    return kit
