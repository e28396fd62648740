"""The session class and listeners that make scoping total (installed once by the host)."""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..models import TenantMixin
from .scope import current_org_id, sees_all_organizations
from .statements import scope_statement
from .unit_of_work import guard_flush, guard_foreign_keys, mark_stored, mark_verified


class TenantSession(Session):
    """A session whose identity map answers only with rows of the current organization.

    ``session.get()`` and many-to-one lazy loads look in the identity map before any SQL; a row
    loaded there under :func:`all_organizations` or another :func:`org_scope` is not returned
    in a different scope, so the lookup falls through to a scoped query instead.
    """

    def _identity_lookup(self, mapper, primary_key_identity, *args, **kwargs):
        found = super()._identity_lookup(mapper, primary_key_identity, *args, **kwargs)
        if isinstance(found, TenantMixin) and not sees_all_organizations():
            org_id = inspect(found).dict.get("org_id")
            if org_id is None or org_id != current_org_id():
                return None
        return found


def install_tenant_scoping(session_factory) -> None:
    """Attach the scoping listeners to a sessionmaker of :class:`TenantSession` (the host does
    this once per factory).

    A flag on the target, not ``event.contains``, prevents a second install: SQLAlchemy's event
    registry is keyed by ``id()``, so a new sessionmaker that reuses the id of a collected one is
    reported as already listening and would be left without tenant scoping.
    """
    if not issubclass(getattr(session_factory, "class_", session_factory), TenantSession):
        raise TypeError("tenant scoping needs sessions of sdk.tenancy.TenantSession "
                        "(sessionmaker(class_=TenantSession))")
    if vars(session_factory).get("_trialoffice_tenant_scoping"):
        return
    event.listen(session_factory, "do_orm_execute", scope_statement)
    event.listen(session_factory, "before_flush", guard_flush)
    event.listen(session_factory, "after_flush", guard_foreign_keys)
    event.listen(session_factory, "pending_to_persistent", mark_stored)
    session_factory._trialoffice_tenant_scoping = True


def _install_instance_events() -> None:
    for name in ("load", "refresh"):
        if not event.contains(TenantMixin, name, mark_verified):
            event.listen(TenantMixin, name, mark_verified, propagate=True)


_install_instance_events()
