"""``trialoffice billing``: repair licenses from the payment provider's records."""
from __future__ import annotations

import click

from ..billing.errors import BillingError
from ..billing.reconcile import reconcile_stripe
from ..db import db_session
from .context import app_context


@click.group("billing")
def billing_group():
    """Reconcile subscriptions with the payment provider."""


@billing_group.command("reconcile")
def reconcile_command():
    """Re-read every subscription from Stripe and repair subscriptions and licenses.

    Covers webhooks that never arrived. Needs TRIALOFFICE_BILLING=stripe with STRIPE_API_KEY (and
    STRIPE_API_BASE for a local Stripe-compatible server). Schedule it, e.g. nightly from cron
    (``30 3 * * * trialoffice billing reconcile``). Every change is audited with this command as actor.
    """
    with app_context() as app:
        if app.config["BILLING"] != "stripe":
            raise click.ClickException("Reconcile reads subscriptions from Stripe; this installation bills "
                                       "manually (TRIALOFFICE_BILLING=manual), so there is nothing to reconcile.")
        session = db_session()
        try:
            report = reconcile_stripe(session)
        except BillingError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(f"Checked {report.checked} subscription(s); {len(report.changed)} changed.")
    for line in report.changed:
        click.echo(f"  changed: {line}")
    for external_id in report.unknown:
        click.echo(f"  no organization of ours: {external_id}")
    for external_id in report.missing:
        click.echo(f"  unknown to Stripe: {external_id}")
