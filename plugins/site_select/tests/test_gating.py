"""The host's gate in front of the tool: no license -> 402 (page and API), missing tool
permission -> 403, non-member -> 404; and the manifest's navigation and widget."""
from __future__ import annotations

import pytest

from sdk.testing import post_with_token
from sdk.testing.support import EXTENSION_KEY

from .pages import rank_on_page
from .seeds import RANK_SPEC

PAGES = ["/", "/rank", "/shortlists", "/imports", "/sites/new"]


@pytest.fixture
def unlicensed(make_user, make_org, login_as, world):
    owner = make_user("owner@nolicense.example.org")
    org = make_org("nolicense", owner=owner)
    return org, owner, login_as(owner)


@pytest.mark.parametrize("path", PAGES)
def test_without_license_pages_answer_402_with_how_to_get_it(unlicensed, path):
    r = unlicensed[2].get(f"/o/nolicense/site_select{path}")
    assert r.status_code == 402 and "not licensed" in r.get_data(as_text=True)


def test_without_license_the_api_answers_402_json(unlicensed, world):
    org, owner, _ = unlicensed
    token = world.app.extensions[EXTENSION_KEY].issue_token(org, owner)
    r = world.app.test_client().post("/api/v1/o/nolicense/site_select/rank", json={},
                                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 402 and r.get_json()["error"] == "tool_unavailable"


def test_member_permissions(world, make_user, add_member, login_as):
    viewer = make_user("viewer@acme.example.org")
    add_member(world.acme, viewer)
    client = login_as(viewer)
    assert client.get("/o/acme/site_select/").status_code == 200
    assert client.get("/o/acme/site_select/rank").status_code == 200
    assert client.get("/o/acme/site_select/imports").status_code == 403
    assert client.get("/o/acme/site_select/sites/new").status_code == 403
    refused = post_with_token(client, "/api/v1/o/acme/site_select/sites", json={"name": "X", "country": "DE"})
    assert refused.status_code == 403
    manager = make_user("manager@acme.example.org")
    add_member(world.acme, manager, permissions={"site_select": ["manage_sites", "import"]})
    assert login_as(manager).get("/o/acme/site_select/imports").status_code == 200


def test_non_member_gets_404(world):
    assert world.other_client.get("/o/acme/site_select/").status_code == 404


def test_navigation_and_dashboard_widget(world):
    home = world.client.get("/o/acme/").get_data(as_text=True)
    assert 'data-tool="site_select"' in home and "Site selection" in home
    assert "sites, 0 trial records" in home


def test_forms_post_with_their_csrf_token(world):
    """The harness keeps CSRF on, as production does: the page's form carries the token."""
    assert world.client.post("/o/acme/site_select/rank/results", data=RANK_SPEC).status_code == 400
    assert rank_on_page(world.client, RANK_SPEC).status_code == 200
