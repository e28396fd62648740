"""Bulk UPDATE/DELETE statements skip the unit of work, and with it field-level capture, so
they are refused on audited models, ORM (``update(Model)``) and Core (``update(Model.__table__)``)
alike and in every scope: change audited records one by one through the ORM."""
from __future__ import annotations

from sqlalchemy import event

from sdk.audit import AUDITED
from sdk.models import Base


class UnauditedBulkChangeError(RuntimeError):
    pass


def _refuse_bulk_changes(state) -> None:
    if not (state.is_update or state.is_delete):
        return
    target = state.statement.table
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == target.name and any(cls in AUDITED for cls in mapper.class_.__mro__):
            raise UnauditedBulkChangeError(
                f"bulk {'update' if state.is_update else 'delete'} of audited "
                f"{mapper.class_.__name__} records bypasses the audit trail; change them through the ORM")


def install_bulk_guard(session_factory) -> None:
    """Called once for each new session factory (see :func:`host.compliance.init_compliance`)."""
    event.listen(session_factory, "do_orm_execute", _refuse_bulk_changes)
