"""Security headers on every response: pages, the API, error pages, static files, tools' views.

The Content-Security-Policy allows scripts and styles from this site only, with nothing inline
(templates keep their scripts in static files; ``tests/test_security_headers.py`` scans them),
so an injected ``<script>`` or ``onclick=`` does not run. Pages may not be framed
(clickjacking), except a view marked ``sdk.views.frameable_by_own_pages`` by the app's own pages
(a PDF preview inside a document's page); forms post only here: Stripe Checkout's origin is added while purchases are
sent there, because browsers apply ``form-action`` to the redirect after a form's post.
HSTS is sent only over https, where the browser keeps it; ``request.is_secure`` sees the
client's scheme through the trusted proxies of ``host/proxy.py``.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

from sdk.views import is_frameable

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(form_targets: tuple[str, ...] = (), frame_ancestors: str = "'none'") -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": " ".join(("'self'", *form_targets)),
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def _form_targets(config) -> tuple[str, ...]:
    if config.get("BILLING") == "stripe" and config.get("STRIPE_CHECKOUT"):
        return (STRIPE_CHECKOUT_ORIGIN,)
    return ()


def _frameable() -> bool:
    """Whether the view answering marked itself ``sdk.views.frameable_by_own_pages``."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return view is not None and is_frameable(view)


def init_security_headers(app: Flask) -> None:
    policy = content_security_policy(_form_targets(app.config))
    framed_policy = content_security_policy(_form_targets(app.config), frame_ancestors="'self'")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        frameable = _frameable()
        headers["Content-Security-Policy"] = framed_policy if frameable else policy
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "SAMEORIGIN" if frameable else "DENY"
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
