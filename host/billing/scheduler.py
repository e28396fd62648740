"""The scheduled license sweep of a single-machine installation (``trialoffice run``).

A daemon thread runs the same code as ``trialoffice licenses sweep`` every
``TRIALOFFICE_SWEEP_MINUTES`` (0 switches it off). Installations with several processes leave it
off and schedule the command once (cron, a systemd timer), so the sweep runs in one place.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from ..compliance.actor import acting_as
from ..db import get_db
from ..licensing_sweep import sweep_licenses
from .renewals import run_manual_renewals

log = logging.getLogger(__name__)


def sweep_once(app: Flask) -> int:
    """Renewals, then the sweep, committed; returns how many licenses lapsed."""
    with app.app_context(), acting_as("system", None, "scheduled license sweep"):
        session = get_db(app).session
        try:
            run_manual_renewals(session)
            report = sweep_licenses(session)
            session.commit()
            return report.total
        except Exception:
            session.rollback()
            raise


def start_sweep_thread(app: Flask) -> threading.Event | None:
    """Start the periodic sweep; returns the event that stops it (None when switched off)."""
    minutes = app.config["SWEEP_MINUTES"]
    if not minutes:
        return None
    stop = threading.Event()

    def loop():
        while not stop.wait(minutes * 60):
            try:
                lapsed = sweep_once(app)
                if lapsed:
                    log.info("scheduled sweep lapsed %d license(s)", lapsed)
            except Exception:
                log.exception("scheduled license sweep failed; it runs again in %d minute(s)", minutes)

    threading.Thread(target=loop, name="license-sweep", daemon=True).start()
    return stop
