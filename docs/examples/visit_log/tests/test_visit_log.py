"""The visit log through its public surface: pages, API, audit trail and the tenant wall."""
from sdk.testing import csrf_token, submit_form

NEW = "/o/acme/visit_log/visits/new"
GOOD = {"site": "104 Charité Berlin", "visited_on": "2026-03-14", "kind": "routine", "findings": "ICF v3 missing"}


def test_a_logged_visit_is_listed_and_has_its_page(acme):
    r = submit_form(acme, NEW, GOOD)
    assert r.status_code == 303
    page = acme.get(r.headers["Location"]).get_data(as_text=True)
    assert "Routine monitoring on 2026-03-14" in page and "ICF v3 missing" in page
    listing = acme.get("/o/acme/visit_log/?sort=site").get_data(as_text=True)
    assert "104 Charité Berlin" in listing and 'aria-sort="ascending"' in listing


def test_four_bad_fields_get_four_messages_in_the_page_and_in_the_api(acme):
    bad = {"site": "", "visited_on": "2999-01-01", "kind": "coffee", "findings": "x" * 5001}
    r = submit_form(acme, NEW, bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Please correct the following (4)" in html
    assert html.count('class="field-error"') == 4 and 'value="2999-01-01"' in html
    api = acme.post("/api/v1/o/acme/visit_log/visits", json=bad, headers={"X-CSRFToken": csrf_token(acme)})
    assert api.status_code == 422
    assert set(api.get_json()["fields"]) == {"site", "visited_on", "kind", "findings"}
    assert "A visit is logged after it took place: the date is in the future." in html
    assert api.get_json()["fields"]["visited_on"] == ["A visit is logged after it took place: the date is in the future."]


def test_a_change_needs_a_reason_and_the_trail_reads_like_prose(acme):
    visit_page = submit_form(acme, NEW, GOOD).headers["Location"]
    refused = submit_form(acme, visit_page, {**GOOD, "kind": "close_out", "reason": ""}, action=visit_page)
    assert refused.status_code == 422 and "Say why you change a logged visit." in refused.get_data(as_text=True)
    changed = submit_form(acme, visit_page, {**GOOD, "kind": "close_out", "reason": "Wrong kind"}, action=visit_page)
    assert changed.status_code == 303
    history = acme.get(visit_page).get_data(as_text=True)
    assert "Kind of visit" in history and "Routine monitoring" in history and "Close-out visit" in history
    assert "Wrong kind" in history and "Olivia Owner" in history


def test_the_api_is_in_the_openapi_document_with_its_schemas(acme):
    spec = acme.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/o/{org}/visit_log/visits"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]
    assert "201" in post["responses"] and "422" in post["responses"]


def test_another_organization_sees_none_of_acmes_visits(acme, make_user, make_org, grant_license, login_as):
    submit_form(acme, NEW, GOOD)
    rival = make_user("rita@rival.example.org")
    grant_license(make_org("rival", owner=rival), "visit_log", enable=True)
    client = login_as(rival)
    assert "Charité" not in client.get("/o/rival/visit_log/").get_data(as_text=True)
    assert client.get("/api/v1/o/rival/visit_log/visits").get_json() == {"visits": []}
    assert client.get("/o/rival/visit_log/visits/1").status_code == 404
    assert client.get("/o/acme/visit_log/").status_code == 404
