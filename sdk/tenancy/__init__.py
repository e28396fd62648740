"""Automatic tenant scoping for every model that uses :class:`sdk.models.TenantMixin`.

The current organization comes from :func:`org_scope` (jobs, CLI, tests) or, inside a request,
from the host (``flask.g.tenant_org_id``). Every statement on a tenant table is confined to it or
refused (:mod:`.statements`), the flush never writes another organization's row
(:mod:`.unit_of_work`), and the identity map answers only within the scope (:mod:`.session`).
Code that must see every organization says so with :func:`all_organizations`.
"""
from .row_security import disable_row_level_security, enable_row_level_security
from .scope import TenantScopeError, all_organizations, current_org_id, org_scope, sees_all_organizations
from .session import TenantSession, install_tenant_scoping
from .sharing import RowSharing, Sharing, row_sharing_of, sharing_of, visible_clause
from .tables import tenant_tables

__all__ = ["RowSharing", "Sharing", "TenantScopeError", "TenantSession", "all_organizations", "current_org_id",
           "disable_row_level_security", "enable_row_level_security", "install_tenant_scoping", "org_scope", "row_sharing_of", "sees_all_organizations", "sharing_of",
           "tenant_tables", "visible_clause"]
