"""The compliance layer: one audit trail and one e-signature service for every tool."""
from __future__ import annotations

from flask import Flask

from .actor import init_request_ids
from .capture import install_audit_capture
from .display import init_display
from .guards import install_bulk_guard
from .immutability import install_immutability
from .sessions import init_idle_timeout


def init_compliance(app: Flask, session_factory) -> None:
    install_audit_capture(session_factory)
    install_bulk_guard(session_factory)
    install_immutability()
    init_request_ids(app)
    init_idle_timeout(app)
    init_display(app)
