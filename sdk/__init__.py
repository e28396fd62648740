"""The Trial Office SDK: the contract between the host and every tool.

A tool is a module (registered under the ``trialoffice.plugins`` entry-point group) with a
``manifest`` attribute and hook implementations marked with :data:`hookimpl`.
"""
from .events import EVENT_CATALOG, DomainEvent, declare_event
from .hookspecs import hookimpl, hookspec
from .manifest import (
    CATEGORIES,
    CURRENT_API_LEVEL,
    SUPPORTED_API_LEVELS,
    Manifest,
    ManifestError,
    Permission,
    Plan,
    Role,
    SettingField,
)
from .models import Base, TenantMixin, TimestampMixin, UTCDateTime, utcnow
from .services import OrgRef, Services, UserRef, services
from .tenancy import Sharing, TenantScopeError, all_organizations, org_scope
from .tool import ToolContextError, ToolHandle, tool
from .views import NavItem, Widget, frameable_by_own_pages, requires_permission, upload_limit

__all__ = [
    "Base", "CATEGORIES", "CURRENT_API_LEVEL", "DomainEvent", "EVENT_CATALOG", "Manifest",
    "ManifestError", "NavItem", "OrgRef", "Permission", "Plan", "Role", "SUPPORTED_API_LEVELS",
    "Services", "SettingField", "Sharing", "TenantMixin", "TenantScopeError", "TimestampMixin",
    "UTCDateTime", "UserRef", "Widget", "all_organizations", "declare_event", "hookimpl",
    "hookspec", "org_scope", "requires_permission", "services", "tool", "ToolContextError",
    "ToolHandle", "frameable_by_own_pages", "upload_limit", "utcnow",
]
