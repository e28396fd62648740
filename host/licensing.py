"""Changing what an organization holds and uses: trials, the enabled switch, admin actions.

Pages, the JSON API and the CLI all go through these functions, so every path applies the same
rules. Every license change is captured by the audit trail (``License`` is ``@audited``) with the
reason given here. Each function leaves committing to its caller.
"""
from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.services import UserRef
from sdk.tenancy import org_scope

from .compliance.actor import SYSTEM, acting_as, current_actor
from .events import emit_event
from .models import License, Organization, OrgTool, User, license_entitles
from .notifications.platform import notify_license_suspended
from .orgctx import org_ref
from .runtime.dispatch import call_each

DEFAULT_TRIAL_DAYS = 14
ADMIN_ACTIONS = ("grant", "extend", "suspend", "revoke")
MAX_ADMIN_DAYS = 3650
MAX_SEATS = 100_000
MAX_REASON_LENGTH = 500


class LicensingError(ValueError):
    """A refused licensing action; the message is meant for the user."""


def _registry():
    return current_app.extensions["trialoffice.registry"]


def _manifest(tool_key: str):
    manifest = _registry().manifest(tool_key)
    if manifest is None:
        raise LicensingError(f"There is no available tool '{tool_key}'.")
    return manifest


def get_license(session, org: Organization, tool_key: str) -> License | None:
    with org_scope(org.id):
        return session.scalar(select(License).where(License.tool_key == tool_key))


def suspension_reason(session, org: Organization, tool_key: str) -> str | None:
    """Why a platform admin suspended ``org``'s license of ``tool_key`` (None: not suspended)."""
    lic = get_license(session, org, tool_key)
    if lic is None or lic.status != "suspended":
        return None
    return lic.suspension_reason or "No reason was recorded."


def suspension_message(session, org: Organization, tool_key: str, tool_name: str) -> str:
    """What an organization reads about its suspended license: why, and whom to ask."""
    support = current_app.config.get("SUPPORT_EMAIL") or "support@localhost"
    return (f"A platform administrator suspended the {tool_name} license of {org.name}. Reason given: "
            f"{suspension_reason(session, org, tool_key) or 'No reason was recorded.'} Its data is kept. "
            f"To have the suspension lifted, write to the platform team at {support}.")


def _attributed_to(actor: User | None):
    """Name ``actor`` in the audit entries of the block unless a request or CLI command already
    says who acts (code run in a bare app context would otherwise be recorded as "system")."""
    if actor is None or current_actor() is not SYSTEM:
        return nullcontext()
    return acting_as("user", str(actor.id), actor.email)


def trial_plan(manifest):
    """The plan a free trial runs on: the cheapest monthly one, else the first."""
    return manifest.cheapest_monthly or (manifest.plans[0] if manifest.plans else None)


def trial_days(manifest) -> int:
    """Length of the tool's free trial in days; 0 means it has none."""
    plan = trial_plan(manifest)
    return plan.trial_days if plan else DEFAULT_TRIAL_DAYS


def start_trial(session, org: Organization, tool_key: str, actor: User) -> License:
    """Start the free trial (once per tool and organization) and switch the tool on."""
    manifest = _manifest(tool_key)
    if get_license(session, org, tool_key) is not None:
        raise LicensingError(f"{manifest.name} already has a license in this organization; "
                             "a trial can be started only once.")
    plan = trial_plan(manifest)
    days = trial_days(manifest)
    if days <= 0:
        raise LicensingError(f"{manifest.name} has no free trial; buy it instead.")
    ends = utcnow() + timedelta(days=days)
    with _attributed_to(actor):
        with org_scope(org.id), reason_for_change(f"{days}-day free trial started"):
            lic = License(tool_key=tool_key, plan_code=plan.code if plan else "trial", status="trialing",
                          seats=plan.min_seats if plan else 1, trial_ends_at=ends, valid_until=ends)
            session.add(lic)
            session.flush()
        set_enabled(session, org, tool_key, True, actor)
    return lic


def set_enabled(session, org: Organization, tool_key: str, enabled: bool, actor: User) -> None:
    """Flip the organization's switch; takes effect on the next request, no restart."""
    manifest = _manifest(tool_key)
    lic = get_license(session, org, tool_key)
    if enabled and (lic is None or not license_entitles(lic.status, lic.valid_until)):
        raise LicensingError(f"{manifest.name} needs a trial or a license before it can be enabled.")
    with org_scope(org.id), _attributed_to(actor):
        row = session.scalar(select(OrgTool).where(OrgTool.tool_key == tool_key))
        if row is None:
            row = OrgTool(tool_key=tool_key, enabled=False)
            session.add(row)
        if row.enabled == enabled:
            session.flush()
            return
        row.enabled, row.changed_at, row.changed_by_id = enabled, utcnow(), actor.id if actor else None
        session.flush()
    hook = "tool_enabled" if enabled else "tool_disabled"
    user = UserRef(actor.id, actor.email, actor.name, actor.timezone) if actor else None
    with org_scope(org.id):
        call_each(_registry(), hook, [tool_key], org_id=org.id, org=org_ref(org), user=user)
    # Delivered after the caller commits to the tools then serving (not the one switched off).
    emit_event(session, org_id=org.id, name="tool.enabled" if enabled else "tool.disabled",
               payload={"tool_key": tool_key}, actor_user_id=actor.id if actor else None)


def admin_change(session, org: Organization, tool_key: str, action: str, reason: str, actor: User,
                 *, days: int | None = None, plan: str | None = None, seats: int | None = None) -> License:
    """A platform admin's grant, extension, suspension or revocation; a reason is required.

    A suspension's reason is also kept on the license (``suspension_reason``), so the organization
    is told why; a grant or revocation, which lifts the suspension, clears it.

    The audit trail records the change with that reason; the status and validity it shows tell the
    actions apart, so an action that would change nothing (suspending a suspended license) is refused.
    """
    manifest = _manifest(tool_key)
    reason = (reason or "").strip()
    if action not in ADMIN_ACTIONS:
        raise LicensingError(f"Unknown action '{action}'; use one of {', '.join(ADMIN_ACTIONS)}.")
    if not reason:
        raise LicensingError("A reason is required for every license change.")
    if len(reason) > MAX_REASON_LENGTH:
        raise LicensingError(f"Keep the reason to {MAX_REASON_LENGTH} characters.")
    if days is not None and not 0 < days <= MAX_ADMIN_DAYS:
        raise LicensingError(f"The number of days must be between 1 and {MAX_ADMIN_DAYS}.")
    if seats is not None and not 0 < seats <= MAX_SEATS:
        raise LicensingError(f"Seats must be between 1 and {MAX_SEATS:,}.")
    lic = get_license(session, org, tool_key)
    now = utcnow()
    if action == "grant":
        if plan and manifest.plan(plan) is None:
            raise LicensingError(f"{manifest.name} has no plan '{plan}'.")
        with org_scope(org.id):
            if lic is None:
                lic = License(tool_key=tool_key, plan_code="", status="active", seats=0)
                session.add(lic)
            lic.status = "active"
            lic.plan_code = plan or lic.plan_code or (manifest.plans[0].code if manifest.plans else "comp")
            granted_plan = manifest.plan(lic.plan_code)
            lic.seats = seats or lic.seats or (granted_plan.min_seats if granted_plan else 1)
            lic.valid_until = now + timedelta(days=days or 30)
            lic.trial_ends_at = None
            lic.suspension_reason = None
    else:
        if lic is None:
            raise LicensingError(f"{org.name} holds no license for {manifest.name}.")
        if action == "suspend" and lic.status == "suspended":
            raise LicensingError(f"The {manifest.name} license of {org.name} is already suspended.")
        with org_scope(org.id):
            if action == "extend":
                base = max(lic.valid_until or now, now)
                lic.valid_until = base + timedelta(days=days or 30)
                if lic.status == "trialing":
                    lic.trial_ends_at = lic.valid_until
                elif lic.status in ("lapsed", "grace"):
                    lic.status = "active"
            elif action == "suspend":
                lic.status, lic.suspension_reason = "suspended", reason
            else:
                lic.status, lic.valid_until, lic.suspension_reason = "lapsed", now, None
    with org_scope(org.id), reason_for_change(reason), _attributed_to(actor):
        session.flush()
        if action == "suspend":
            notify_license_suspended(session, org, tool_key)
    return lic
