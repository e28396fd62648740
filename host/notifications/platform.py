"""What the platform itself tells people: invitations, trials ending, invoices, suspensions.

Each function is called inside the change's transaction; the notifications roll back with it.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sdk.manifest import format_money
from sdk.notifications import INVITATION, INVOICE_ISSUED, LICENSE_SUSPENDED, TRIAL_ENDING
from sdk.tenancy import all_organizations

from ..models import Invitation, Invoice, License, Organization, User
from .service import app_path, deliver, org_admins, send_email

log = logging.getLogger(__name__)

#: How long before a trial's end its organization's admins hear about it.
TRIAL_NOTICE_DAYS = 3


def _tool_name(tool_key: str) -> str:
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    return manifest.name if manifest else tool_key


def send_invitation(session, invitation: Invitation, raw_token: str, inviter: User) -> None:
    """Email the invitation's link to the invited address (the only copy besides the inviter's
    page); a person who already has an account also finds a notice in the app, without the link."""
    org, role = invitation.org, invitation.role
    subject = f"{inviter.name} invited you to join {org.name} on Trial Office"
    invited = f"{inviter.name} ({inviter.email}) invited you to join {org.name} as {role}."
    body = (f"{invited}\n\nOpen the link below to accept. It works once and expires on "
            f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC.")
    send_email(session, invitation.email, subject=subject, body=body,
               link=app_path("members.invitation", token=raw_token), org_name=org.name,
               with_preferences=False)
    invitee = session.scalar(select(User).where(func.lower(User.email) == invitation.email))
    if invitee is not None:
        deliver(session, [invitee], org=org, kind=INVITATION.key, subject=subject,
                body=f"{invited}\n\nThe link to accept it was emailed to {invitation.email}.",
                send_mail=False)


def notify_trial_ending(session, org: Organization, tool_key: str, ends_at: datetime) -> None:
    """Tell the organization's admins that a trial ends soon; once per trial and end date.

    In a savepoint: when a sweep and Stripe's ``trial_will_end`` write the same notice at once,
    the second one is dropped instead of failing the sweep or the webhook.
    """
    name = _tool_name(tool_key)
    try:
        with session.begin_nested():
            deliver(session, org_admins(session, org.id), org=org, kind=TRIAL_ENDING.key,
                    subject=f"Your {name} trial ends on {ends_at:%Y-%m-%d}",
                    body=(f"The free trial of {name} for {org.name} ends on {ends_at:%Y-%m-%d %H:%M} UTC. "
                          "Buy a plan before then to keep using it; its data stays either way."),
                    link=app_path("catalog.my_tools", org=org.slug),
                    dedupe_key=f"trial_ending:{org.id}:{tool_key}:{ends_at:%Y-%m-%d}")
    except IntegrityError:
        log.info("trial-ending notice for %s/%s was written by another process", org.slug, tool_key)


def notify_trials_ending(session, now: datetime) -> int:
    """Notify every organization whose trial ends within :data:`TRIAL_NOTICE_DAYS`."""
    with all_organizations():
        rows = session.execute(
            select(License, Organization).join(Organization, Organization.id == License.org_id)
            .where(License.status == "trialing", License.valid_until > now,
                   License.valid_until <= now + timedelta(days=TRIAL_NOTICE_DAYS))).all()
    for lic, org in rows:
        notify_trial_ending(session, org, lic.tool_key, lic.valid_until)
    return len(rows)


def notify_invoice_issued(session, invoice: Invoice) -> None:
    org = session.get(Organization, invoice.org_id)
    amount = format_money(invoice.amount_due, invoice.currency)
    deliver(session, org_admins(session, org.id), org=org, kind=INVOICE_ISSUED.key,
            subject=f"Invoice {invoice.number} for {amount}",
            body=f"Invoice {invoice.number} for {org.name}: {invoice.description}, {amount}.",
            link=app_path("billing.index", org=org.slug))


def notify_license_suspended(session, org: Organization, tool_key: str) -> None:
    name = _tool_name(tool_key)
    deliver(session, org_admins(session, org.id), org=org, kind=LICENSE_SUSPENDED.key,
            subject=f"{name} is suspended for {org.name}",
            body=(f"A platform administrator suspended the {name} license of {org.name}. "
                  "Its pages are closed until the suspension is lifted; its data is kept."),
            link=app_path("catalog.my_tools", org=org.slug))
