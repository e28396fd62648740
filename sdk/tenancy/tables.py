"""Which tables belong to organizations, and where a statement touches them."""
from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Column, Select, Table
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, TextClause

from ..models import Base, TenantMixin


def tenant_mappers() -> list[Mapper]:
    return [m for m in Base.registry.mappers if issubclass(m.class_, TenantMixin)]


def _registry_size() -> int:
    return len(Base.registry.mappers)


@lru_cache(maxsize=8)
def _tenant_tables_for(size: int) -> dict[str, Table]:
    return {m.local_table.name: m.local_table for m in tenant_mappers()}


def tenant_tables() -> dict[str, Table]:
    """Tenant tables by name (recomputed when a tool's models are imported)."""
    return _tenant_tables_for(_registry_size())


def tenant_mapper_for(table: Table) -> Mapper | None:
    for mapper in tenant_mappers():
        if mapper.local_table is table:
            return mapper
    return None


@lru_cache(maxsize=8)
def _name_pattern(names: frozenset[str]) -> re.Pattern | None:
    if not names:
        return None
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b({words})\b", re.IGNORECASE)


def tables_named_in_text(clause: TextClause) -> set[str]:
    """Tenant table names that appear as words in raw SQL (a careless author's ``text()``)."""
    pattern = _name_pattern(frozenset(tenant_tables()))
    return set(m.group(1).lower() for m in pattern.finditer(clause.text)) if pattern else set()


def touched_tenant_tables(statement) -> set[str]:
    """Names of the tenant tables a statement reads or writes, raw SQL included."""
    tables = tenant_tables()
    found: set[str] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, Table) and element.name in tables:
            found.add(element.name)
        elif isinstance(element, TextClause):
            found |= tables_named_in_text(element)
    return found


def core_tenant_tables(statement) -> set[str]:
    """Tenant tables that an ORM statement selects from only as plain Core objects
    (``Model.__table__`` or its ``.c`` columns, in its own or a nested SELECT's columns, FROM or
    JOIN targets): ORM criteria never reach those, so the statement cannot be scoped. A plain
    column of a table that the same SELECT also reads as an ORM entity shares that entity's
    scoped FROM (the ORM's own primary-key selects look like that)."""
    tables = tenant_tables()
    found: set[str] = set()
    for select in visitors.iterate(statement):
        if isinstance(select, Select):
            plain, orm = _select_sources(select)
            found |= (plain - orm) & tables.keys()
    return found


def _select_sources(select: Select) -> tuple[set[str], set[str]]:
    """Names of the tables a SELECT reads as plain Core objects, and as ORM entities."""
    plain: set[str] = set()
    orm: set[str] = set()
    todo = [*select._raw_columns, *select._from_obj, *(join[0] for join in select._setup_joins)]
    while todo:
        element = todo.pop()
        if not isinstance(element, ClauseElement):
            continue
        if {"parententity", "parentmapper"} & set(element._annotations):
            if isinstance(element, Table):
                orm.add(element.name)
            elif isinstance(element, Column) and isinstance(element.table, Table):
                orm.add(element.table.name)
            continue
        table = element if isinstance(element, Table) else getattr(element, "table", None)
        if isinstance(element, (Table, Column)) and isinstance(table, Table):
            plain.add(table.name)
            continue
        todo.extend(element.get_children())
    return plain, orm
