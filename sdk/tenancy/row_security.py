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

ORG_SETTING = "trialoffice.org_id"
ALL_ORGS_SETTING = "trialoffice.all_orgs"
POLICY = "tenant_isolation"

#: Visible and writable: the current organization's rows, or every row inside all_organizations().
#: ``nullif`` because a transaction-local setting reads as '' once its transaction ended.
PREDICATE = (f"current_setting('{ALL_ORGS_SETTING}', true) = 'on' "
             f"OR org_id = nullif(current_setting('{ORG_SETTING}', true), '')::integer")


def row_security_statements(table: str) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({PREDICATE}) WITH CHECK ({PREDICATE})',
    ]


def enable_row_level_security(op, *tables: str) -> None:
    """In an Alembic migration: confine ``tables`` to the current organization on PostgreSQL.

    ``op`` is the migration's ``alembic.op``::

        from sdk.tenancy import enable_row_level_security
        enable_row_level_security(op, "mytool_record", "mytool_note")
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for statement in row_security_statements(table):
            op.execute(statement)


def disable_row_level_security(op, *tables: str) -> None:
    """The downgrade of :func:`enable_row_level_security`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
