"""Automatic tenant scoping for every model that uses :class:`sdk.models.TenantMixin`.

The current organization comes from :func:`org_scope` (jobs, tests) or, inside a request, from
the host (``flask.g.tenant_org_id``). Queries on tenant tables are filtered to it, inserts are
stamped with it, and a query with no organization and no explicit :func:`all_organizations`
raises :class:`TenantScopeError` instead of leaking rows.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_app_context
from sqlalchemy import Table, event
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql import visitors

from .models import TenantMixin

_scoped_org: ContextVar[int | None] = ContextVar("trialoffice_org", default=None)
_all_orgs: ContextVar[bool] = ContextVar("trialoffice_all_orgs", default=False)


class TenantScopeError(RuntimeError):
    """A tenant table was read or written with no organization in scope."""


@contextmanager
def org_scope(org_id: int):
    """Run the block as organization ``org_id`` (background jobs, CLI, tests)."""
    token = _scoped_org.set(org_id)
    try:
        yield
    finally:
        _scoped_org.reset(token)


@contextmanager
def all_organizations():
    """Explicit opt-in to see and write every organization's rows (admin pages, sweeps)."""
    token = _all_orgs.set(True)
    try:
        yield
    finally:
        _all_orgs.reset(token)


def current_org_id() -> int | None:
    scoped = _scoped_org.get()
    if scoped is not None:
        return scoped
    if has_app_context():
        return g.get("tenant_org_id")
    return None


def sees_all_organizations() -> bool:
    return _all_orgs.get()


def _tenant_tables() -> set[Table]:
    return {m.local_table for m in _tenant_mappers()}


def _tenant_mappers():
    from .models import Base

    return [m for m in Base.registry.mappers if issubclass(m.class_, TenantMixin)]


def _touches_tenant_table(statement) -> bool:
    tables = _tenant_tables()
    return any(isinstance(el, Table) and el in tables for el in visitors.iterate(statement))


def _scope_orm_execute(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if _all_orgs.get():
        return
    org_id = current_org_id()
    if org_id is None:
        if _touches_tenant_table(state.statement):
            raise TenantScopeError(
                "query on a tenant table with no organization in scope; "
                "use sdk.tenancy.org_scope() or all_organizations()"
            )
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantMixin, lambda cls: cls.org_id == org_id, include_aliases=True)
    )


def _stamp_and_guard_writes(session: Session, flush_context, instances) -> None:
    if _all_orgs.get():
        return
    org_id = current_org_id()
    for obj in session.new:
        if not isinstance(obj, TenantMixin):
            continue
        if obj.org_id is None:
            if org_id is None:
                raise TenantScopeError(f"cannot insert {type(obj).__name__}: no organization in scope")
            obj.org_id = org_id
        elif obj.org_id != org_id:
            raise TenantScopeError(f"cannot insert {type(obj).__name__} into another organization")
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TenantMixin) and obj.org_id != org_id:
            raise TenantScopeError(f"cannot change {type(obj).__name__} of another organization")


def install_tenant_scoping(session_class) -> None:
    """Attach the scoping listeners to a Session class or sessionmaker (the host does this once).

    A flag on the target, not ``event.contains``, prevents a second install: SQLAlchemy's event
    registry is keyed by ``id()``, so a new sessionmaker that reuses the id of a collected one is
    reported as already listening and would be left without tenant scoping.
    """
    if vars(session_class).get("_trialoffice_tenant_scoping"):
        return
    event.listen(session_class, "do_orm_execute", _scope_orm_execute)
    event.listen(session_class, "before_flush", _stamp_and_guard_writes)
    session_class._trialoffice_tenant_scoping = True
