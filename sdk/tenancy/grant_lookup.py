"""Which organization's writable grant covers a row about to be written (the flush guard asks)."""
from __future__ import annotations

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import RelationshipDirection

from .sharing import ACTIVE, GRANT_TABLE, row_sharing_of, sharing_of


def granting_owner(session, obj, org_id: int, *, writable: bool = True) -> int | None:
    """The owner organization whose active (and ``writable``) grant to ``org_id`` covers ``obj``.

    The shared record and site are read from the object's columns, or, before the flush has set
    them, from the parent objects its many-to-one relationships point at (``Subject(study=s)``).
    When ``obj.org_id`` is already set, only a grant from that organization counts. A row of a
    :class:`~sdk.tenancy.sharing.RowSharing` model names its record in its own columns, and any
    active grant covering that record counts (``writable`` does not apply).
    """
    sharing = sharing_of(type(obj))
    if sharing is None:
        by_row = row_sharing_of(type(obj))
        return _row_granting_owner(session, obj, org_id, by_row) if by_row is not None else None
    record_id = column_value(obj, sharing.via)
    if record_id is None:
        return None
    grant = GRANT_TABLE
    query = select(grant.c.owner_org_id).where(
        grant.c.grantee_org_id == org_id, grant.c.record_type == sharing.record_type,
        grant.c.record_id == record_id, grant.c.status == ACTIVE)
    if writable:
        query = query.where(grant.c.writable.is_(True))
    if sharing.site:
        site_id = column_value(obj, sharing.site)
        query = query.where(grant.c.site_id.is_(None) if site_id is None
                            else or_(grant.c.site_id.is_(None), grant.c.site_id == site_id))
    if obj.org_id is not None:
        query = query.where(grant.c.owner_org_id == obj.org_id)
    return session.execute(query.limit(1)).scalar()


def _row_granting_owner(session, obj, org_id: int, by_row) -> int | None:
    record_type, record_id = getattr(obj, by_row.record_type), getattr(obj, by_row.via)
    if record_type is None or record_id is None:
        return None
    grant = GRANT_TABLE
    query = select(grant.c.owner_org_id).where(
        grant.c.grantee_org_id == org_id, grant.c.record_type == record_type,
        grant.c.record_id == record_id, grant.c.status == ACTIVE)
    if getattr(obj, by_row.has_site):
        site_id = getattr(obj, by_row.site)
        query = query.where(grant.c.site_id.is_(None) if site_id is None
                            else or_(grant.c.site_id.is_(None), grant.c.site_id == site_id))
    if obj.org_id is not None:
        query = query.where(grant.c.owner_org_id == obj.org_id)
    return session.execute(query.limit(1)).scalar()


def column_value(obj, key: str):
    """The value of column attribute ``key``, or what a pending parent object will give it."""
    state = inspect(obj)
    value = state.dict.get(key)
    if value is not None:
        return value
    column = state.mapper.columns.get(key)
    if column is None:
        return None
    for relationship in state.mapper.relationships:
        if relationship.direction is not RelationshipDirection.MANYTOONE:
            continue
        for local, remote in relationship.local_remote_pairs:
            if local is column:
                parent = state.dict.get(relationship.key)
                if parent is not None:
                    return column_value(parent, inspect(parent).mapper.get_property_by_column(remote).key)
    return None
