"""``trialoffice licenses``: the expiry sweep and signed license files for offline sites."""
from __future__ import annotations

from pathlib import Path

import click

from ..billing.renewals import run_manual_renewals
from ..db import db_session
from ..license_files import (
    LicenseFileContents,
    export_license_file,
    public_key_pem,
    signing_key,
    verify_license_file,
)
from ..licensing_sweep import sweep_licenses
from .context import app_context, build_app, reported_errors
from .lookup import org_by_slug
from .output import echo_table


def _when(moment) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


@click.group("licenses")
def licenses_group():
    """Lapse expired licenses; export and verify signed license files."""


@licenses_group.command("sweep")
@click.option("--dry-run", is_flag=True, help="Show what would lapse and change nothing.")
def sweep_command(dry_run):
    """Lapse every trialing, active or grace license whose validity has passed.

    First the manual billing calendar runs: renewal invoices are issued a week before a period
    ends, cancelled subscriptions end, and unpaid renewals put their license in grace.
    Suspended licenses stay suspended. Each change is written to the audit trail with the sweep
    as actor and the expiry as reason; running it again changes nothing. Operators schedule it,
    e.g. hourly from cron (``0 * * * * trialoffice licenses sweep``) or a systemd timer.
    """
    with app_context():
        session = db_session()
        renewals = None if dry_run else run_manual_renewals(session)
        report = sweep_licenses(session, dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    if renewals is not None:
        for label, items in (("Renewal invoices issued", renewals.invoiced), ("Cancelled subscriptions ended",
                             renewals.ended), ("Renewals overdue (grace)", renewals.overdue)):
            if items:
                click.echo(f"{label}: {', '.join(items)}.")
    if not report.lapsed:
        click.echo("No license has expired; nothing to lapse.")
        return
    echo_table(("organization", "tool", "was", "valid until"),
               [(i.org_slug, i.tool_key, i.previous_status, _when(i.valid_until)) for i in report.lapsed])
    verb = "Would lapse" if dry_run else "Lapsed"
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()))
    click.echo(f"{verb} {report.total} license(s): {counts}.")


@licenses_group.command("export")
@click.option("--org", "slug", required=True, metavar="SLUG", help="The organization whose licenses to export.")
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Where to write the file (default: SLUG-license.json).")
def export_command(slug, output):
    """Write a signed license file of the organization's current licenses.

    The file lists each tool held with its plan, seats and validity, expires with the earliest of
    them (30 days at most), and is signed with the installation's Ed25519 key so that an
    air-gapped or on-premise site can check it offline with 'trialoffice licenses verify'.
    The export is recorded in the organization's audit trail.
    """
    with app_context() as app:
        session = db_session()
        org = org_by_slug(session, slug)
        key = signing_key(app.instance_path)
        data = export_license_file(session, org, key)
        target = Path(output or f"{org.slug}-license.json")
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise click.ClickException(f"Cannot write {target}: {exc.strerror}.") from None
        session.commit()
    contents = verify_license_file(data, key.public_key())
    click.echo(f"Wrote {target} for {contents.org_name} ({contents.org_slug}).")
    _echo_contents(contents)


@licenses_group.command("public-key")
def public_key_command():
    """Print the public key (PEM) that sites use to verify license files offline."""
    app = build_app()
    with reported_errors():
        click.echo(public_key_pem(signing_key(app.instance_path).public_key()), nl=False)


@licenses_group.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--public-key", "public_key_file", type=click.Path(dir_okay=False), metavar="PEM_FILE",
              help="The issuer's public key (default: this installation's own key).")
def verify_command(file, public_key_file):
    """Check a license file offline: signature, issuer key and expiry.

    Prints the organization, tools, seats and expiry; exits 1 with the reason when the file is
    not a license file, was altered, was signed by another key or has expired.
    """
    data = _read(file)
    with reported_errors():
        if public_key_file:
            public_key = _read(public_key_file)
        else:
            public_key = signing_key(build_app().instance_path, create=False).public_key()
        contents = verify_license_file(data, public_key)
    click.echo(f"Valid license file for {contents.org_name} ({contents.org_slug}), "
               f"issued {_when(contents.issued_at)} by {contents.issuer} (key {contents.key_id}).")
    _echo_contents(contents)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror}.") from None


def _echo_contents(contents: LicenseFileContents) -> None:
    echo_table(("tool", "plan", "status", "seats", "valid until"),
               [(t.key, t.plan, t.status, t.seats, _when(t.valid_until)) for t in contents.tools])
    click.echo(f"The file expires {_when(contents.expires_at)}.")
