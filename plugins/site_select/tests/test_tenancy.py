"""Tenant isolation: one organization never sees or changes another's sites, history, presets
or shortlists, through the pages or the API."""
from __future__ import annotations

import json

import pytest

from sdk.testing import post_with_token
from sdk.testing.support import EXTENSION_KEY

from ..domain import Weights
from ..services.presets import save_preset
from ..services.shortlists import create_shortlist
from .pages import rank_on_page, shown
from .seeds import RANK_SPEC, seed_cardiology


@pytest.fixture
def acme_data(world):
    def seed():
        ids = seed_cardiology()
        preset = save_preset("Acme secret weights", Weights(startup=0.9))
        shortlist = create_shortlist("Acme HF list", RANK_SPEC, [ids["Berlin Heart Center"]], trial_ref="ACME-1")
        return {"sites": ids, "preset": preset.id, "shortlist": shortlist.id}
    world.data = world.run(world.acme, seed)
    return world


def test_other_org_sees_none_of_acme_data_in_pages(acme_data):
    w, client = acme_data, acme_data.other_client
    berlin, shortlist = w.data["sites"]["Berlin Heart Center"], w.data["shortlist"]
    assert "Berlin Heart Center" not in client.get("/o/other/site_select/").get_data(as_text=True)
    assert client.get(f"/o/other/site_select/sites/{berlin}").status_code == 404
    assert client.get(f"/o/other/site_select/sites/{berlin}/history/new").status_code == 404
    assert client.get(f"/o/other/site_select/shortlists/{shortlist}").status_code == 404
    assert client.get(f"/o/other/site_select/shortlists/{shortlist}/export.csv").status_code == 404
    assert client.get(f"/o/other/site_select/shortlists/{shortlist}/report.pdf").status_code == 404
    assert "Acme HF list" not in client.get("/o/other/site_select/shortlists").get_data(as_text=True)
    assert "Acme secret weights" not in client.get("/o/other/site_select/rank").get_data(as_text=True)
    ranked = rank_on_page(client, RANK_SPEC, org="other")
    assert ranked.status_code == 200
    results = ranked.get_data(as_text=True)
    assert "Berlin Heart Center" not in results


def test_other_org_cannot_change_acme_data(acme_data):
    w, client = acme_data, acme_data.other_client
    berlin, shortlist, preset = (w.data["sites"]["Berlin Heart Center"], w.data["shortlist"], w.data["preset"])
    assert post_with_token(client, f"/o/other/site_select/sites/{berlin}/history",
                           {"trial_ref": "X", "therapeutic_area": "cardiology"}).status_code == 404
    assert post_with_token(client, f"/o/other/site_select/shortlists/{shortlist}/delete").status_code == 404
    assert post_with_token(client, f"/o/other/site_select/shortlists/{shortlist}/hand-off").status_code == 404
    assert post_with_token(client, f"/o/other/site_select/presets/{preset}/delete").status_code == 404
    r = post_with_token(client, "/o/other/site_select/shortlists", {
        "spec_json": json.dumps(RANK_SPEC), "name": "Steal", "site_ids": [str(berlin)]})
    assert r.status_code == 422 and shown(f"unknown site id(s): {berlin}") in r.get_data(as_text=True)
    assert "Acme HF list" in w.client.get(f"/o/acme/site_select/shortlists/{shortlist}").get_data(as_text=True)
    assert len(w.client.get("/api/v1/o/acme/site_select/presets").get_json()["presets"]) == 1


def test_api_isolation_with_tokens(acme_data):
    w = acme_data
    support = w.app.extensions[EXTENSION_KEY]
    other_token = support.issue_token(w.other, w.other_owner)
    acme_token = support.issue_token(w.acme, w.owner)
    other = w.app.test_client()
    headers = {"Authorization": f"Bearer {other_token}"}
    assert other.get("/api/v1/o/other/site_select/sites", headers=headers).get_json()["total"] == 0
    assert other.get("/api/v1/o/acme/site_select/sites", headers=headers).status_code == 404
    assert other.get("/api/v1/o/other/site_select/shortlists", headers=headers).get_json() == {"shortlists": []}
    assert other.get("/api/v1/o/other/site_select/presets", headers=headers).get_json() == {"presets": []}
    shortlist = w.data["shortlist"]
    assert other.get(f"/api/v1/o/other/site_select/shortlists/{shortlist}", headers=headers).status_code == 404
    ranked = other.post("/api/v1/o/other/site_select/rank", json=RANK_SPEC, headers=headers).get_json()
    assert ranked["results"] == [] and ranked["candidates"] == 0
    berlin = w.data["sites"]["Berlin Heart Center"]
    r = other.post(f"/api/v1/o/other/site_select/sites/{berlin}/history", headers=headers,
                   json={"trial_ref": "X", "therapeutic_area": "cardiology"})
    assert r.status_code == 404
    acme = w.app.test_client()
    assert acme.get("/api/v1/o/acme/site_select/sites",
                    headers={"Authorization": f"Bearer {acme_token}"}).get_json()["total"] == 4


def test_same_site_name_in_two_organizations_is_two_sites(world):
    world.run(world.acme, seed_cardiology)
    r = post_with_token(world.other_client, "/api/v1/o/other/site_select/sites",
                        json={"name": "Berlin Heart Center", "country": "DE", "city": "Berlin"})
    assert r.status_code == 201
    assert world.client.get("/api/v1/o/acme/site_select/sites").get_json()["total"] == 4
