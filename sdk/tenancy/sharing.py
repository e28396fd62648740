"""Grants: the one way a row of one organization is visible to another.

A tool marks the models that belong to a record it can share (a study, a project) with
``__sharing__``::

    class Study(TenantMixin, Base):            # the shared record itself
        __sharing__ = Sharing("edc.study")
    class Subject(TenantMixin, Base):          # its children, limited by site
        __sharing__ = Sharing("edc.study", via="study_id", site="site_id")

A row stays its owner's (``org_id``) whoever writes it. It is visible to another organization
while that organization holds an active grant of the record (``record_type``, the row's ``via``
column) from the owner; a grant limited to one site covers only rows whose ``site`` column is
that site (a row with no site, in a model that has a site column, needs a whole-record grant).
Models without a site column (a study's forms and schedule) are covered by any grant of the
record. Writing needs a grant whose roles are not all read-only.

Rows *about* a record of any tool (the host's signatures) name the shared record they concern
in columns of their own: :class:`RowSharing`. Such a row is visible to its owner and to every
organization whose active grant covers the record (and site) it names; a covered grantee may add
one (a site's investigator signs the sponsor's casebook), only the owner changes or deletes it.

The same predicate is the ORM criteria (:func:`visible_clause`) and, on PostgreSQL, the
row-level security policy (:func:`policy_sql`): one definition, two walls.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, exists, or_, table

#: The host's grant table as the SDK reads it (the host owns the model and its migration).
GRANT_TABLE = table(
    "share_grant",
    column("owner_org_id"), column("grantee_org_id"), column("record_type"), column("record_id"),
    column("site_id"), column("status"), column("writable"),
)
ACTIVE = "active"


@dataclass(frozen=True)
class Sharing:
    """Which shared record a model's rows belong to (see the module docstring)."""

    record_type: str
    via: str = "id"
    site: str | None = None

    def __post_init__(self):
        tool, dot, name = self.record_type.partition(".")
        if not dot or not tool or not name:
            raise ValueError(f"record type {self.record_type!r} must be '<tool key>.<record>'")

    @property
    def tool_key(self) -> str:
        return self.record_type.partition(".")[0]


@dataclass(frozen=True)
class RowSharing:
    """Rows that each name, in columns of their own, the shared record they concern, of any type.

    ``record_type``, ``via`` and ``site`` name the columns holding the record type, the shared
    record's id and the site; ``has_site`` the boolean column saying whether the concerned
    record's model has a site column (when it has, a grant limited to a site covers only rows
    of that site, exactly as :class:`Sharing` shows the record itself). A row whose record type
    is NULL concerns no shared record: it is its owner's alone. Reading and adding a row need
    an active grant that covers it (writable or not: the row adds nothing to the record);
    changing or deleting one is for its owner only.
    """

    record_type: str = "shared_record_type"
    via: str = "shared_record_id"
    site: str = "shared_site_id"
    has_site: str = "shared_has_site"


def sharing_of(cls) -> Sharing | None:
    sharing = getattr(cls, "__sharing__", None)
    return sharing if isinstance(sharing, Sharing) else None


def row_sharing_of(cls) -> RowSharing | None:
    sharing = getattr(cls, "__sharing__", None)
    return sharing if isinstance(sharing, RowSharing) else None


def grant_clause(cls, org_id, *, write: bool = False):
    """A grant to ``org_id`` covers the row (SQL EXISTS); None for a model that is never shared.

    For a :class:`RowSharing` model ``write`` (change or delete) is never granted: None.
    """
    sharing = sharing_of(cls)
    grant = GRANT_TABLE.alias()
    if sharing is None:
        by_row = row_sharing_of(cls)
        if by_row is None or write:
            return None
        site = getattr(cls, by_row.site)
        return exists().where(
            grant.c.grantee_org_id == org_id, grant.c.owner_org_id == cls.org_id,
            grant.c.record_type == getattr(cls, by_row.record_type),
            grant.c.record_id == getattr(cls, by_row.via), grant.c.status == ACTIVE,
            or_(grant.c.site_id.is_(None), getattr(cls, by_row.has_site).is_not(True), grant.c.site_id == site))
    conditions = [grant.c.grantee_org_id == org_id, grant.c.owner_org_id == cls.org_id,
                  grant.c.record_type == sharing.record_type,
                  grant.c.record_id == getattr(cls, sharing.via), grant.c.status == ACTIVE]
    if sharing.site:
        conditions.append(or_(grant.c.site_id.is_(None), grant.c.site_id == getattr(cls, sharing.site)))
    if write:
        conditions.append(grant.c.writable.is_(True))
    return exists().where(*conditions)


def visible_clause(cls, org_id, *, write: bool = False):
    """The rows of ``cls`` that organization ``org_id`` may read (or, ``write``, change)."""
    own = cls.org_id == org_id
    granted = grant_clause(cls, org_id, write=write)
    return own if granted is None else or_(own, granted)


def policy_sql(table_name: str, org_expression: str, sharing: Sharing | RowSharing | None, *, write: bool) -> str:
    """The grant arm of ``table_name``'s row-level security policy (empty when never shared).

    For :class:`RowSharing` the arm reads and adds rows (``write`` is the adding arm, which needs
    no writable grant); the table's policies keep changing and deleting to the owner.
    """
    if sharing is None:
        return ""
    row = _quoted(table_name)
    if isinstance(sharing, RowSharing):
        site = (f" AND (g.site_id IS NULL OR {row}.{_quoted(sharing.has_site)} IS NOT TRUE"
                f" OR g.site_id = {row}.{_quoted(sharing.site)})")
        return (f" OR EXISTS (SELECT 1 FROM share_grant g WHERE g.grantee_org_id = {org_expression}"
                f" AND g.owner_org_id = {row}.org_id AND g.record_type = {row}.{_quoted(sharing.record_type)}"
                f" AND g.record_id = {row}.{_quoted(sharing.via)} AND g.status = '{ACTIVE}'{site})")
    site = (f" AND (g.site_id IS NULL OR g.site_id = {row}.{_quoted(sharing.site)})" if sharing.site else "")
    writable = " AND g.writable" if write else ""
    return (f" OR EXISTS (SELECT 1 FROM share_grant g WHERE g.grantee_org_id = {org_expression}"
            f" AND g.owner_org_id = {row}.org_id AND g.record_type = '{_literal(sharing.record_type)}'"
            f" AND g.record_id = {row}.{_quoted(sharing.via)} AND g.status = '{ACTIVE}'{site}{writable})")


def _quoted(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"column name {name!r} is not a plain identifier")
    return f'"{name}"'


def _literal(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ValueError(f"record type {value!r} cannot contain quotes")
    return value
