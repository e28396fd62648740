"""Every statement sent through a session is confined to the current organization, or refused.

- ORM ``select``/``update``/``delete`` of tenant entities (joins, aliases, subqueries, lazy and
  eager loads included) get ``with_loader_criteria``: the organization's own rows, plus the
  rows a grant shares with it (:mod:`.sharing`; writable grants only for update and delete).
- ``insert`` (ORM or Core, one row or many) has ``org_id`` stamped from the scope; a row for
  another organization, or any insert with no organization in scope, is refused.
- What the ORM criteria cannot reach is refused with :class:`TenantScopeError`: Core statements
  on a tenant table (``select(Model.__table__)``, ``update(table)``), Core columns inside an
  ORM statement, ``from_statement()`` and raw ``text()`` naming a tenant table, and changing
  ``org_id`` in a bulk update.
"""
from __future__ import annotations

from sqlalchemy.orm import with_loader_criteria
from sqlalchemy.orm.context import FromStatement
from sqlalchemy.sql.elements import BindParameter

from ..models import TenantMixin
from .scope import TenantScopeError, current_org_id, sees_all_organizations
from .sharing import visible_clause
from .tables import core_tenant_tables, touched_tenant_tables


def scope_statement(state) -> None:
    """``do_orm_execute`` listener installed on the host's sessions."""
    tables = touched_tenant_tables(state.statement)
    if not tables or sees_all_organizations():
        return
    names = ", ".join(sorted(tables))
    org_id = current_org_id()
    if state.is_insert:
        _stamp_insert(state, org_id, names)
        return
    if org_id is None:
        raise TenantScopeError(
            f"statement on tenant table {names} with no organization in scope; "
            "use sdk.tenancy.org_scope() or all_organizations()")
    _refuse_unscopable(state, names)
    if state.is_update or state.is_delete:
        criteria = with_loader_criteria(TenantMixin, lambda cls: visible_clause(cls, org_id, write=True),
                                        include_aliases=True)
    else:
        criteria = with_loader_criteria(TenantMixin, lambda cls: visible_clause(cls, org_id),
                                        include_aliases=True)
    state.statement = state.statement.options(criteria)


def _refuse_unscopable(state, names: str) -> None:
    statement = state.statement
    if isinstance(statement, FromStatement):
        raise TenantScopeError(
            f"from_statement() on tenant table {names} cannot be confined to one organization; "
            "build the query with select(Model) instead")
    if not state.is_orm_statement:
        raise TenantScopeError(
            f"Core or raw SQL statement on tenant table {names} cannot be confined to one "
            "organization; use the ORM entity (select(Model), update(Model), delete(Model))")
    internal_load = state.is_relationship_load or state.is_column_load
    core = set() if internal_load else core_tenant_tables(statement)
    if core:
        raise TenantScopeError(
            f"Core table or columns of tenant table {', '.join(sorted(core))} (Model.__table__) "
            "escape organization scoping; use the model and its attributes (Model.column)")
    if state.is_update and "org_id" in _value_keys(statement):
        raise TenantScopeError("a bulk update cannot move rows to another organization (org_id)")


def _value_keys(statement) -> set[str]:
    values = getattr(statement, "_values", None) or {}
    return {getattr(k, "key", k) for k in values}


def _stamp_insert(state, org_id: int | None, names: str) -> None:
    statement = state.statement
    if org_id is None:
        raise TenantScopeError(f"cannot insert into tenant table {names}: no organization in scope")
    if getattr(statement, "select", None) is not None:
        raise TenantScopeError(f"INSERT ... SELECT into tenant table {names} cannot be checked; "
                               "insert the rows as parameters")
    if getattr(statement, "_multi_values", None):
        raise TenantScopeError(f"multi-row VALUES into tenant table {names}: pass the rows as "
                               "parameters instead, session.execute(insert(Model), rows)")
    for key, value in (getattr(statement, "_values", None) or {}).items():
        if getattr(key, "key", key) == "org_id":
            _check_org(_literal(value, names), org_id, names)
            break
    else:
        if not state.parameters:
            state.statement = statement.values(org_id=org_id)
    params = state.parameters
    if params:
        rows = params if isinstance(params, list) else [params]
        for row in rows:
            if "org_id" in row:
                _check_org(row["org_id"], org_id, names)
        stamped = [{**row, "org_id": org_id} for row in rows]
        state.parameters = stamped if isinstance(params, list) else stamped[0]


def _literal(value, names: str):
    if isinstance(value, BindParameter) and value.callable is None:
        return value.value
    raise TenantScopeError(f"org_id of a row inserted into {names} must be a plain value")


def _check_org(value, org_id: int, names: str) -> None:
    if value != org_id:
        raise TenantScopeError(f"cannot insert into tenant table {names} for another organization")
