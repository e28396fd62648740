"""site_select's API declares its bodies with marshmallow (``sdk.api_docs``): refused input is the
platform's 422 with every problem, and every endpoint is in the OpenAPI document under the tool's
own schema names."""
from __future__ import annotations

import pytest

from sdk.testing.support import EXTENSION_KEY

from .seeds import RANK_SPEC, seed_cardiology

API = "/api/v1/o/acme/site_select"


@pytest.fixture
def api(world):
    world.ids = world.run(world.acme, seed_cardiology)
    token = world.app.extensions[EXTENSION_KEY].issue_token(world.acme, world.owner)
    world.api = world.app.test_client()
    world.headers = {"Authorization": f"Bearer {token}"}
    return world


def test_a_site_with_four_bad_fields_gets_four_problems_in_the_platform_shape(api):
    r = api.api.post(f"{API}/sites", headers=api.headers,
                     json={"name": 7, "country": ["DE"], "city": {"x": 1}, "colour": "blue"})
    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == {"error", "message", "problems", "fields"} and body["error"] == "invalid_input"
    assert len(body["problems"]) == 4
    assert set(body["fields"]) == {"name", "country", "city", "colour"}
    assert body["fields"]["colour"] == ["colour: Unknown field."]
    assert all(problem in body["message"] for problem in body["problems"])


def test_the_services_refusals_have_the_same_shape_and_name_their_fields(api):
    r = api.api.post(f"{API}/sites", headers=api.headers, json={"name": "", "country": "Atlantis",
                                                                "lat": 1e308, "lon": "-1e309"})
    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == {"error", "message", "problems", "fields"} and body["error"] == "invalid_input"
    assert len(body["problems"]) == 4


def test_missing_required_fields_and_bodies_that_are_not_objects(api):
    r = api.api.post(f"{API}/shortlists", headers=api.headers, json={})
    assert r.status_code == 422
    assert set(r.get_json()["fields"]) == {"name", "spec", "site_ids"}
    assert "a shortlist needs a name" in r.get_json()["message"]
    r = api.api.post(f"{API}/rank", headers=api.headers, data="{not json", content_type="application/json")
    assert r.status_code == 400 and "not valid JSON" in r.get_json()["message"]
    r = api.api.post(f"{API}/rank", headers=api.headers, json="cardiology")
    assert r.status_code == 422 and "JSON object" in r.get_json()["message"]


def test_a_bad_query_is_refused_and_a_good_one_answers(api):
    r = api.api.get(f"{API}/sites?page=0&colour=blue", headers=api.headers)
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"page", "colour"}
    r = api.api.get(f"{API}/sites?country=DE&page=1", headers=api.headers)
    assert r.status_code == 200 and {s["country"] for s in r.get_json()["sites"]} == {"DE"}


def test_valid_input_still_works(api):
    r = api.api.post(f"{API}/rank", headers=api.headers, json=RANK_SPEC)
    assert r.status_code == 200 and r.get_json()["results"]
    ids = [row["site_id"] for row in r.get_json()["results"][:2]]
    r = api.api.post(f"{API}/shortlists", headers=api.headers,
                     json={"name": "Top two", "spec": {**RANK_SPEC, "title": "HF"}, "site_ids": ids})
    assert r.status_code == 201 and len(r.get_json()["shortlist"]["sites"]) == 2


def test_every_endpoint_is_documented_with_site_select_schemas(api):
    doc = api.api.get("/api/v1/openapi.json").get_json()
    paths = {path: ops for path, ops in doc["paths"].items() if path.startswith("/api/v1/o/{org}/site_select/")}
    assert len(paths) >= 9
    names = {name for name in doc["components"]["schemas"] if name.startswith("site_select.")}
    assert {"site_select.RankIn", "site_select.Ranking", "site_select.ScoredSite", "site_select.SiteIn",
            "site_select.ShortlistIn", "site_select.ShortlistSpecIn", "site_select.JobStarted"} <= names
    site = doc["components"]["schemas"]["site_select.SiteIn"]
    assert site["additionalProperties"] is False and set(site["required"]) == {"name", "country"}
    assert site["properties"]["lat"] == {"type": "number", "minimum": -90.0, "maximum": 90.0}
    rank = paths["/api/v1/o/{org}/site_select/rank"]["post"]
    assert rank["responses"]["422"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/InvalidInput"
    assert rank["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/site_select.Ranking"
    listing = paths["/api/v1/o/{org}/site_select/sites"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"country", "area", "network", "q", "page"}
