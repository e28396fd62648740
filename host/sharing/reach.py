"""Which organizations a grant lets see an owner's records (event fan-out, the gate's licensing)."""
from __future__ import annotations

from sqlalchemy import select

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
