"""The second wall on PostgreSQL: row-level security on every tenant table.

A tool's migration that creates a tenant table calls :func:`enable_row_level_security` right
after it, so even raw SQL cannot cross organizations in production. The host sets the two
settings below at the start of every transaction (and again when the scope changes inside
one), from :func:`~sdk.tenancy.current_org_id` and
:func:`~sdk.tenancy.all_organizations`. The policy is forced, so it holds for the table's owner
too; only a superuser or a role with BYPASSRLS escapes it, and the application must connect as
neither. On SQLite this is a no-op: the SDK's scoping is the wall there.
"""
from __future__ import annotations

from .sharing import RowSharing, Sharing, policy_sql

ORG_SETTING = "trialoffice.org_id"
ALL_ORGS_SETTING = "trialoffice.all_orgs"
POLICY = "tenant_isolation"
WRITE_POLICY = "tenant_isolation_write"
#: Adding rows about a shared record (:class:`~sdk.tenancy.sharing.RowSharing` tables only).
INSERT_POLICY = "tenant_isolation_insert"

_ORG = f"nullif(current_setting('{ORG_SETTING}', true), '')::integer"
#: Visible and writable: the current organization's rows, or every row inside all_organizations().
#: ``nullif`` because a transaction-local setting reads as '' once its transaction ended.
PREDICATE = f"current_setting('{ALL_ORGS_SETTING}', true) = 'on' OR org_id = {_ORG}"


def row_security_statements(table: str, sharing: Sharing | RowSharing | None = None) -> list[str]:
    """The policies: own rows, and for a shared model the rows a grant covers (:mod:`.sharing`).

    A shared table gets two permissive policies: reading needs any active grant, while insert,
    update and delete (``FOR ALL``) need a writable one. One ``FOR ALL`` policy would let a
    read-only grantee DELETE, since DELETE checks only ``USING``. A :class:`RowSharing` table
    gets three: reading and inserting need a covering grant, updating and deleting the owner.
    """
    statements = [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'DROP POLICY IF EXISTS {WRITE_POLICY} ON "{table}"',
        f'DROP POLICY IF EXISTS {INSERT_POLICY} ON "{table}"',
    ]
    if sharing is None:
        return statements + [f'CREATE POLICY {POLICY} ON "{table}" USING ({PREDICATE}) WITH CHECK ({PREDICATE})']
    if isinstance(sharing, RowSharing):
        covered = PREDICATE + policy_sql(table, _ORG, sharing, write=False)
        return statements + [
            f'CREATE POLICY {POLICY} ON "{table}" FOR SELECT USING ({covered})',
            f'CREATE POLICY {INSERT_POLICY} ON "{table}" FOR INSERT WITH CHECK ({covered})',
            f'CREATE POLICY {WRITE_POLICY} ON "{table}" FOR ALL USING ({PREDICATE}) WITH CHECK ({PREDICATE})',
        ]
    read = PREDICATE + policy_sql(table, _ORG, sharing, write=False)
    write = PREDICATE + policy_sql(table, _ORG, sharing, write=True)
    return statements + [
        f'CREATE POLICY {POLICY} ON "{table}" FOR SELECT USING ({read})',
        f'CREATE POLICY {WRITE_POLICY} ON "{table}" FOR ALL USING ({write}) WITH CHECK ({write})',
    ]


def enable_row_level_security(op, *tables: str, sharing: Sharing | RowSharing | None = None) -> None:
    """In an Alembic migration: confine ``tables`` to the current organization on PostgreSQL.

    ``op`` is the migration's ``alembic.op``; a shared model's table passes the same
    :class:`~sdk.tenancy.Sharing` as its model's ``__sharing__`` (a test compares them)::

        from sdk.tenancy import Sharing, enable_row_level_security
        enable_row_level_security(op, "mytool_record", "mytool_note")
        enable_row_level_security(op, "mytool_visit", sharing=Sharing("mytool.study", via="study_id"))

    Run it again with a new ``sharing`` to replace the policy.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for statement in row_security_statements(table, sharing):
            op.execute(statement)


def enable_party_row_security(op, table: str, *org_columns: str) -> None:
    """Row-level security for a table whose rows concern several organizations (a grant: its
    owner and its grantee), each named in one of ``org_columns``: a row is visible and writable
    to those organizations only (or inside ``all_organizations()``). Removed by
    :func:`disable_row_level_security`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    parties = " OR ".join(f'"{column}" = {_ORG}' for column in org_columns)
    predicate = f"current_setting('{ALL_ORGS_SETTING}', true) = 'on' OR {parties}"
    for statement in (f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
                      f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
                      f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
                      f'CREATE POLICY {POLICY} ON "{table}" USING ({predicate}) WITH CHECK ({predicate})'):
        op.execute(statement)


def disable_row_level_security(op, *tables: str) -> None:
    """The downgrade of :func:`enable_row_level_security`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
        op.execute(f'DROP POLICY IF EXISTS {WRITE_POLICY} ON "{table}"')
        op.execute(f'DROP POLICY IF EXISTS {INSERT_POLICY} ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
