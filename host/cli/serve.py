"""``trialoffice run``: serve the app with werkzeug's threaded server."""
from __future__ import annotations

import ipaddress

import click
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import run_simple

from .. import migrate
from ..billing.scheduler import start_sweep_thread
from .context import build_app, one_line


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
def run_command(host, port):
    """Serve Trial Office on HOST:PORT for one machine (werkzeug's threaded server).

    On a loopback address (127.0.0.1, ::1, localhost) session cookies are sent over plain
    http, so sign-in works on http://127.0.0.1; on any other address they stay secure
    (https only). In production run gunicorn instead, e.g.
    gunicorn -w 4 'host:create_app()' behind an https proxy.

    The license sweep (renewal invoices, lapsing expired licenses) runs in the background every
    TRIALOFFICE_SWEEP_MINUTES (default 60); under gunicorn schedule 'trialoffice licenses sweep'.
    """
    config = {"SESSION_COOKIE_SECURE": False} if is_loopback(host) else None
    app = build_app(config)
    with app.app_context():
        try:
            if migrate.pending_heads(app):
                click.echo("Warning: the database is not up to date; run 'trialoffice db upgrade'.",
                           err=True)
        except DBAPIError as exc:
            raise click.ClickException(f"Database error: {one_line(exc.orig)}") from None
    if config is None:
        click.echo("Note: cookies are https-only on a non-loopback address; serve behind https.", err=True)
    if start_sweep_thread(app):
        click.echo(f"License sweep every {app.config['SWEEP_MINUTES']} minute(s) "
                   "(TRIALOFFICE_SWEEP_MINUTES=0 switches it off).", err=True)
    run_simple(host, port, app, threaded=True, use_reloader=False)
