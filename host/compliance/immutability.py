"""Audit entries and signatures are written once: the application never updates or deletes them."""
from __future__ import annotations

from sqlalchemy import event

from ..models.compliance import AuditEntry, Signature


class ImmutableRecordError(RuntimeError):
    pass


def _refuse(mapper, connection, target) -> None:
    raise ImmutableRecordError(f"{type(target).__name__} rows are append-only")


def install_immutability() -> None:
    for model in (AuditEntry, Signature):
        for name in ("before_update", "before_delete"):
            if not event.contains(model, name, _refuse):
                event.listen(model, name, _refuse)
