"""Security headers on every response: pages, the API, error pages, static files, tools' views.

The Content-Security-Policy allows scripts and styles from this site only, with nothing inline
(templates keep their scripts in static files; ``tests/test_security_headers.py`` scans them),
so an injected ``<script>`` or ``onclick=`` does not run. Pages may not be framed
(clickjacking), forms post only here: Stripe Checkout's origin is added while purchases are
sent there, because browsers apply ``form-action`` to the redirect after a form's post.
HSTS is sent only over https, where the browser keeps it; ``request.is_secure`` sees the
client's scheme through the trusted proxies of ``host/proxy.py``.
"""
from __future__ import annotations

from flask import Flask, Response, request

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": " ".join(("'self'", *form_targets)),
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def _form_targets(config) -> tuple[str, ...]:
    if config.get("BILLING") == "stripe" and config.get("STRIPE_CHECKOUT"):
        return (STRIPE_CHECKOUT_ORIGIN,)
    return ()


def init_security_headers(app: Flask) -> None:
    policy = content_security_policy(_form_targets(app.config))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = policy
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
