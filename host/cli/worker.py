"""``trialoffice worker``: run background jobs and deliver the events outbox (huey's consumer)."""
from __future__ import annotations

import logging
import os

import click
from sqlalchemy.exc import DBAPIError

from .. import migrate
from ..jobs.consumer import create_consumer
from .context import build_app, one_line


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at the same time (threads).")
@click.option("--no-periodic", is_flag=True,
              help="Do not poll the outbox; for every worker but one when several run.")
@click.option("--verbose", "-v", is_flag=True, help="Log each task, not only jobs and failures.")
def worker_command(workers, no_periodic, verbose):
    """Run background jobs and deliver the events outbox until stopped (Ctrl-C or SIGTERM).

    Web processes queue a job (an import, for example) when TRIALOFFICE_JOBS=worker is set for
    them; this command runs it, as the person who started it, and records its progress for the
    job's page. It also delivers domain events (retries included, polled every
    TRIALOFFICE_OUTBOX_POLL_SECONDS, default 5).

    The queue is the SQLite file TRIALOFFICE_JOBS_QUEUE_FILE (default <instance>/job_queue.db;
    one machine, no server) or, when TRIALOFFICE_REDIS_URL is set (e.g. redis://localhost:6379/0),
    Redis: then run workers on as many machines as needed. Web processes and workers must share
    the same settings, database and storage. 'make run' starts one worker beside the server.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("host.jobs").setLevel(logging.INFO)
    app = build_app({"JOBS_MODE": "worker"})
    with app.app_context():
        try:
            if migrate.pending_heads(app):
                click.echo("Warning: the database is not up to date; run 'trialoffice db upgrade'.", err=True)
        except DBAPIError as exc:
            raise click.ClickException(f"Database error: {one_line(exc.orig)}") from None
    queue = app.extensions["trialoffice.jobs"]
    if os.environ.get("TRIALOFFICE_JOBS", "immediate") != "worker":
        click.echo("Note: TRIALOFFICE_JOBS is not 'worker' here, so web processes started with these "
                   "settings run jobs themselves; this worker delivers the outbox's retries only.", err=True)
    where = app.config["REDIS_URL"] if queue.backend == "redis" else app.config["JOBS_QUEUE_FILE"]
    click.echo(f"Worker: {workers} thread(s) on the {queue.backend} queue {queue.huey.name!r} at "
               f"{_without_password(where)}; outbox polled "
               f"{'never' if no_periodic else 'every %d s' % app.config['OUTBOX_POLL_SECONDS']}.", err=True)
    create_consumer(app, workers=workers, periodic=not no_periodic).run()


def _without_password(where: str) -> str:
    if "://" in where and "@" in where:
        scheme, rest = where.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return where
