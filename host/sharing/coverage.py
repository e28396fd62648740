"""Whose license pays: a record's owner covers the organizations it shares the record with.

An organization that has not licensed a tool may still open it while it holds an active grant
of that tool's records from an owner whose license serves. The gate marks such a request
(``g.tool_access == "shared"``); in it the tool works on the shared records only, and a new
row of the tool stamped as the organization's own is refused with :class:`NotLicensedHere`.
"Own" means the request's organization: a row the tool writes inside ``org_scope(owner)`` (a site
filing into its sponsor's binder) is the owner's, paid by the owner's license.
"""
from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import event

from sdk.models import TenantMixin
from sdk.tenancy import TenantScopeError, sharing_of

from ..models import Organization
from .reach import granting_orgs

SHARED_ACCESS = "shared"


class NotLicensedHere(TenantScopeError):
    """The organization uses the tool on shared records only and tried to create its own."""


def covering_owner(session, org_id: int, tool_key: str) -> int | None:
    """An owner whose active grant and serving license let ``org_id`` use ``tool_key``."""
    states = current_app.extensions["trialoffice.tool_states"]
    for owner_id in granting_orgs(session, org_id, tool_key):
        owner = session.get(Organization, owner_id)
        if owner is not None and states.state(session, owner, tool_key).serves():
            return owner_id
    return None


def _refuse_own_rows(session, flush_context, instances) -> None:
    if not has_request_context() or g.get("tool_access") != SHARED_ACCESS:
        return
    key, org_id = g.get("tool_key"), g.get("tenant_org_id")
    for obj in session.new:
        if isinstance(obj, TenantMixin) and obj.org_id == org_id and _belongs_to(obj, key):
            name = current_app.extensions["trialoffice.registry"].manifest(key).name
            raise NotLicensedHere(
                f"Your organization works in {name} on records shared with it only; to create "
                f"records of its own it needs its own {name} license (marketplace).")


def _belongs_to(obj, tool_key: str) -> bool:
    sharing = sharing_of(type(obj))
    if sharing is not None:
        return sharing.tool_key == tool_key
    return obj.__table__.name.startswith(f"{tool_key}_")


def install_coverage_guard(session_factory) -> None:
    """After the SDK's own flush guard (which stamps owners), so ``org_id`` is final here."""
    event.listen(session_factory, "before_flush", _refuse_own_rows)
