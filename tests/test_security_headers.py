"""Security headers on every response (pages, tools, the API, errors, static files), HSTS only
over https, and no inline script or style in any template, which the policy would block."""
import re
from pathlib import Path

import pytest

from host.security_headers import STRIPE_CHECKOUT_ORIGIN

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "host" / "templates", *sorted((ROOT / "plugins").glob("*/templates"))]
INLINE_CODE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript\s*:", re.I),
    "inline <style>": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
}


@pytest.fixture
def acme_client(app, make_user, make_org, grant_license, login_as):
    owner = make_user("owner@acme.example.org")
    grant_license(make_org("acme", owner=owner), "testtool", enable=True)
    return login_as(owner)


def assert_secured(response):
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in these tests


def test_pages_tools_api_errors_and_static_files_carry_the_headers(app, acme_client):
    anonymous = app.test_client()
    responses = {
        "page": anonymous.get("/login"),
        "tool page": acme_client.get("/o/acme/testtool/"),
        "api": acme_client.get("/api/v1/o/acme/testtool/records"),
        "api error": anonymous.get("/api/v1/o/acme/testtool/records"),
        "404 page": anonymous.get("/no/such/page"),
        "stylesheet": anonymous.get("/static/app.css"),
        "script": anonymous.get("/static/app.js"),
    }
    expected = {"page": 200, "tool page": 200, "api": 200, "api error": 401, "404 page": 404,
                "stylesheet": 200, "script": 200}
    assert {name: r.status_code for name, r in responses.items()} == expected
    for name, response in responses.items():
        assert_secured(response)
    assert responses["script"].mimetype == "text/javascript"


def test_hsts_only_over_https(app):
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_stripe_checkout_may_receive_the_purchase_redirect_when_in_use(make_app):
    app = make_app(BILLING="stripe", STRIPE_API_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET="whsec_x",
                   STRIPE_CHECKOUT=True)
    policy = app.test_client().get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {STRIPE_CHECKOUT_ORIGIN};" in policy


def inline_code(text: str) -> list[str]:
    return [name for name, pattern in INLINE_CODE.items() if pattern.search(text)]


@pytest.mark.parametrize("snippet", ['<script>alert(1)</script>', '<select onchange="go()">',
                                     '<a href="javascript:go()">', '<p style="color:red">',
                                     '<style>p{}</style>', '<button type="button"\n  onclick="x()">'])
def test_the_scan_finds_inline_code(snippet):
    assert inline_code(snippet)


def test_the_scan_lets_external_scripts_and_data_attributes_pass():
    assert not inline_code('<script src="/static/app.js" defer></script><select data-submit-on-change>'
                           '<option selected>one</option></select>')


def test_no_template_has_inline_script_or_style():
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 20
    found = {str(path.relative_to(ROOT)): inline_code(path.read_text()) for path in templates}
    assert {path: kinds for path, kinds in found.items() if kinds} == {}
