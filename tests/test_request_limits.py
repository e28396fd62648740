"""Request limits: the platform's MAX_CONTENT_LENGTH answers a larger request with a 413 page or
JSON error, a tool's view may declare a smaller limit for itself alone, and nothing is saved."""
import io
from types import SimpleNamespace

import pytest

from sdk.testing import csrf_token

TOOL = "/o/acme/testtool"
SMALL_PLATFORM_LIMIT = 2048


@pytest.fixture
def acme(app, make_user, make_org, grant_license, login_as):
    """acme using the test tool, its owner signed in; the app's request limit is set per test."""
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    grant_license(org, "testtool", enable=True)
    return SimpleNamespace(app=app, owner=owner, org=org, client=login_as(owner))


def _titles(client) -> str:
    return client.get(f"{TOOL}/").get_data(as_text=True)


def test_an_oversized_page_post_gets_the_413_page_and_saves_nothing(acme):
    acme.app.config["MAX_CONTENT_LENGTH"] = SMALL_PLATFORM_LIMIT
    client = acme.client
    token = csrf_token(client, f"{TOOL}/")
    r = client.post(f"{TOOL}/records", data={"title": "oversized " + "x" * 4000, "csrf_token": token})
    assert r.status_code == 413 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "Skip to content" in page and "413 Request Entity Too Large" in page  # inside the layout
    assert "at most 2 KB" in page and "Nothing was saved" in page
    assert "oversized" not in _titles(client)
    small = client.post(f"{TOOL}/records", data={"title": "fits", "csrf_token": token})
    assert small.status_code == 200 and "fits" in _titles(client)


def test_an_anonymous_oversized_post_is_refused_before_anything_reads_it(make_app):
    client = make_app(plugins=["testtool"], MAX_CONTENT_LENGTH=SMALL_PLATFORM_LIMIT).test_client()
    r = client.post("/login", data={"email": "a@example.org", "password": "p" * 4000})
    assert r.status_code == 413 and "at most 2 KB" in r.get_data(as_text=True)


def test_an_oversized_api_post_gets_the_413_json_error(acme, support):
    acme.app.config["MAX_CONTENT_LENGTH"] = SMALL_PLATFORM_LIMIT
    headers = {"Authorization": f"Bearer {support.issue_token(acme.org, acme.owner)}"}
    api = acme.app.test_client()
    r = api.post("/api/v1/o/acme/testtool/records", json={"title": "oversized " + "y" * 4000}, headers=headers)
    assert r.status_code == 413 and r.is_json
    assert r.get_json() == {"error": "request_entity_too_large",
                            "message": "The request is too large: at most 2 KB can be sent here. "
                                       "Nothing was saved."}
    listed = api.get("/api/v1/o/acme/testtool/records", headers=headers).get_json()["records"]
    assert not [title for title in listed if title.startswith("oversized")]


def test_a_tools_declared_limit_applies_to_its_view_only(acme):
    client = acme.client
    token = csrf_token(client, f"{TOOL}/")
    big = b"z" * 4096  # over the view's 1 KB, far under the platform's 16 MB
    r = client.post(f"{TOOL}/attachments", data={"file": (io.BytesIO(big), "big.txt"), "csrf_token": token},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and "at most 1 KB" in r.get_data(as_text=True)
    assert "big.txt" not in _titles(client)
    other_view = client.post(f"{TOOL}/records",
                             data={"title": "same size", "padding": "z" * 4096, "csrf_token": token})
    assert other_view.status_code == 200 and "same size" in _titles(client)
    small = client.post(f"{TOOL}/attachments",
                        data={"file": (io.BytesIO(b"note"), "small.txt"), "csrf_token": token},
                        content_type="multipart/form-data")
    assert small.status_code == 200 and "small.txt" in _titles(client)
