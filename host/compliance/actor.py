"""Who is acting: the signed-in user, an API token, a system job or a webhook.

Requests get an id (``X-Request-ID``) that every audit entry of the request carries. Code that
acts outside a request (CLI, sweeps, webhooks) names itself with :func:`acting_as`.
"""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import Flask, g, has_request_context, request
from flask_login import current_user

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class Actor:
    type: str
    id: str | None
    label: str


SYSTEM = Actor("system", None, "system")
_override: ContextVar[Actor | None] = ContextVar("trialoffice_actor", default=None)


@contextmanager
def acting_as(actor_type: str, actor_id: str | None, label: str):
    """Attribute the audit entries written in the block to a system job or a webhook."""
    token = _override.set(Actor(actor_type, actor_id, label))
    try:
        yield
    finally:
        _override.reset(token)


def current_actor() -> Actor:
    override = _override.get()
    if override is not None:
        return override
    if has_request_context():
        if g.get("audit_actor") is not None:
            return g.audit_actor
        if current_user.is_authenticated:
            token = g.get("api_token")
            if token is not None:
                return Actor("token", str(token.id), f"{current_user.email} (API token {token.prefix}…)")
            return Actor("user", str(current_user.id), current_user.email)
        return Actor("anonymous", None, request.remote_addr or "anonymous")
    return SYSTEM


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response
