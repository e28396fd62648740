"""A real local Stripe-compatible server (localstripe) and an app billing through it.

localstripe's console command binds every interface, so its aiohttp app is started on 127.0.0.1
here, in a subprocess of its own for the whole session. Its state is reset before each test and
the app under test, served on a free port, is registered as its webhook endpoint, so the events
it sends arrive signed, over HTTP, as Stripe's would. Events localstripe never sends are signed
by :func:`send_event` with the same secret.
"""
from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import stripe

from sdk.testing.serving import served

WEBHOOK_SECRET = "whsec_trialoffice_test"
API_KEY = "sk_test_trialoffice"
LOCALSTRIPE = ("from aiohttp import web; from localstripe.server import app; "
               "web.run_app(app, host='127.0.0.1', port={port}, print=None)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(method: str, url: str, data: dict | None = None) -> bytes:
    body = urllib.parse.urlencode(data or {}).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """The base URL of a localstripe server on a free loopback port (one per test session)."""
    port = _free_port()
    log = Path(tmp_path_factory.mktemp("localstripe")) / "localstripe.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-c", LOCALSTRIPE.format(port=port)],
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _request("DELETE", f"{url}/_config/data")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start; its log:\n{log.read_text()}")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class WebhookRecorder:
    """WSGI middleware keeping every webhook delivery's raw body and signature, for replay tests."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.deliveries: list[tuple[bytes, str]] = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/billing/stripe/webhook":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            self.deliveries.append((body, environ.get("HTTP_STRIPE_SIGNATURE", "")))
            environ["wsgi.input"] = io.BytesIO(body)
        return self.wsgi_app(environ, start_response)


@pytest.fixture
def stripe_app(make_app, localstripe):
    """An app with ``TRIALOFFICE_BILLING=stripe`` on localstripe, served and registered as its webhook."""
    _request("DELETE", f"{localstripe}/_config/data")
    app = make_app(BILLING="stripe", STRIPE_API_KEY=API_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                   STRIPE_API_BASE=localstripe, STRIPE_CHECKOUT=False)
    app.wsgi_app = app.extensions["test.webhooks"] = WebhookRecorder(app.wsgi_app)
    with served(app) as base_url:
        _request("POST", f"{localstripe}/_config/webhooks/trialoffice",
                 {"url": f"{base_url}/billing/stripe/webhook", "secret": WEBHOOK_SECRET})
        app.config["TEST_BASE_URL"] = base_url
        yield app


@pytest.fixture
def stripe_sdk(localstripe):
    """The stripe SDK pointed at localstripe, as a test would use it in place of Stripe's dashboard."""
    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe})


def signed(payload: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """An event body and a ``Stripe-Signature`` header for it, as Stripe signs."""
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    return body.encode(), header


def send_event(client, event_type: str, obj: dict, *, event_id: str | None = None, created: int | None = None,
               secret: str = WEBHOOK_SECRET):
    """POST a signed event (one localstripe never sends) to the app; returns the response."""
    event = {"id": event_id or f"evt_test_{time.monotonic_ns()}", "object": "event", "type": event_type,
             "created": created or int(time.time()), "api_version": "2017-08-15", "data": {"object": obj}}
    body, header = signed(event, secret)
    return client.post("/billing/stripe/webhook", data=body, headers={"Stripe-Signature": header},
                       content_type="application/json")


def wait_for(condition, timeout: float = 15.0, what: str = "condition"):
    """Poll ``condition`` until it returns something truthy (localstripe sends events after ~1 s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)
