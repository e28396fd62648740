"""Which organizations a grant lets see an owner's records (event fan-out, the gate's licensing)."""
from __future__ import annotations

from sqlalchemy import or_, select

from sdk.tenancy.grant_lookup import granting_owner

from ..models import ShareGrant


def grantee_orgs(session, owner_org_id: int, tool_key: str,
                 record: tuple[str, int] | None = None) -> list[int]:
    """Organizations holding an active grant of ``tool_key`` records from ``owner_org_id``.

    With ``record`` (``(record_type, record_id)``), only grants covering that record count.
    Sorted ids; never ``owner_org_id`` itself.
    """
    query = select(ShareGrant.grantee_org_id).where(
        ShareGrant.owner_org_id == owner_org_id, ShareGrant.tool_key == tool_key, ShareGrant.status == "active")
    if record is not None:
        query = query.where(ShareGrant.record_type == record[0], ShareGrant.record_id == record[1])
    return sorted(set(session.scalars(query)) - {owner_org_id})


def granting_orgs(session, grantee_org_id: int, tool_key: str) -> list[int]:
    """Owners whose active grants of ``tool_key`` records the organization holds."""
    return sorted(set(session.scalars(select(ShareGrant.owner_org_id).where(
        ShareGrant.grantee_org_id == grantee_org_id, ShareGrant.tool_key == tool_key,
        ShareGrant.status == "active"))))


def active_grants(session, grantee_org_id: int, tool_key: str) -> list[ShareGrant]:
    """The active grants of ``tool_key`` records the organization holds (cached per request)."""
    return list(session.scalars(select(ShareGrant).where(
        ShareGrant.grantee_org_id == grantee_org_id, ShareGrant.tool_key == tool_key,
        ShareGrant.status == "active").order_by(ShareGrant.id)))


def grantees_covering(session, owner_org_id: int, tool_key: str, record_type: str, record_id: int, *,
                      site_id: int | None = None, has_site: bool = False) -> list[int]:
    """Organizations holding an active grant of ``tool_key`` from ``owner_org_id`` that covers a
    row of the shared record (``record_type``, ``record_id``): a grant limited to a site covers
    a row of that site only, and every row of a model without a site column (as ``can`` rules).
    Sorted ids; never ``owner_org_id`` itself. Reads the owner's grants: run it as the owner."""
    query = select(ShareGrant.grantee_org_id).where(
        ShareGrant.owner_org_id == owner_org_id, ShareGrant.tool_key == tool_key, ShareGrant.status == "active",
        ShareGrant.record_type == record_type, ShareGrant.record_id == record_id)
    if has_site:
        query = query.where(ShareGrant.site_id.is_(None) if site_id is None
                            else or_(ShareGrant.site_id.is_(None), ShareGrant.site_id == site_id))
    return sorted(set(session.scalars(query)) - {owner_org_id})


def history_chain_of(session, record, org_id: int) -> int | None:
    """Whose audit chain holds ``record``'s history as organization ``org_id`` may read it:
    ``org_id`` for its own record (or one without an owner column), the owner for a record an
    active grant to ``org_id`` covers, None for any other organization's record."""
    owner = getattr(record, "org_id", None)
    if owner is None or owner == org_id:
        return org_id
    return owner if granting_owner(session, record, org_id, writable=False) == owner else None
