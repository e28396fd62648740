"""The host's tables. Tool tables live in their plugins; all share :class:`sdk.Base`."""
from .accounts import ApiToken, LoginAttempt, User
from .billing import BillingCustomer, BillingEvent, Invoice, Price, SeatAssignment, Subscription
from .compliance import AuditChain, AuditEntry, Signature
from .orgs import ADMIN_ROLES, ORG_TYPES, ROLES, Invitation, MemberPermission, Membership, Organization
from .sharing import GRANT_STATUSES, MemberRole, ShareGrant
from .tools import (
    ENTITLED_STATUSES,
    LICENSE_STATUSES,
    License,
    OrgTool,
    ToolSetting,
    license_entitles,
)

__all__ = [
    "ADMIN_ROLES", "ApiToken", "AuditChain", "AuditEntry", "BillingCustomer", "BillingEvent", "ENTITLED_STATUSES",
    "GRANT_STATUSES", "Invitation", "Invoice", "LICENSE_STATUSES", "License", "Price", "SeatAssignment", "Signature", "Subscription",
    "LoginAttempt", "MemberPermission", "MemberRole", "Membership", "ORG_TYPES", "OrgTool", "Organization",
    "ROLES", "ShareGrant", "ToolSetting", "User", "license_entitles",
]
