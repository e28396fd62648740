"""Numbers beyond what the domain or the database holds are refused (422, the field named) on the
pages and in the API alike, never a 500; ids beyond any row are simply no row."""
from __future__ import annotations

import io
import re

import pytest

from sdk.testing import csrf_token, submit_form
from sdk.testing.support import EXTENSION_KEY

from .aact_samples import PERFORMANCE, files
from .pages import shown
from .seeds import RANK_SPEC, seed_cardiology

HUGE = "999999999999999999999"
HISTORY = {"trial_ref": "HF-900", "therapeutic_area": "cardiology", "selected_on": "2023-01-02",
           "screened": "50", "enrolled": "28"}


@pytest.fixture
def seeded(world):
    world.ids = world.run(world.acme, seed_cardiology)
    token = world.app.extensions[EXTENSION_KEY].issue_token(world.acme, world.owner)
    world.api = world.app.test_client()
    world.headers = {"Authorization": f"Bearer {token}"}
    return world


def api_post(world, path, body):
    return world.api.post(f"/api/v1/o/acme/site_select{path}", json=body, headers=world.headers)


@pytest.mark.parametrize("change, problem", [
    ({"target_enrollment": HUGE}, "target enrollment must be at most 1,000,000"),
    ({"target_enrollment": int(HUGE)}, "target enrollment must be at most 1,000,000"),
    ({"target_enrollment": 1e308}, "target enrollment must be at most 1,000,000"),
    ({"weights": {"enrollment": 1e308, "startup": 1e308}}, "weight 'enrollment' must be at most 1e+06"),
    ({"weights": {"enrollment": "1e309"}}, "weight 'enrollment' must be a number"),
    ({"shortlist_size": HUGE}, "shortlist size must be at most 1,000"),
    ({"center_lat": 1e308, "center_lon": 0}, "center latitude must be at most 90"),
    ({"center_lat": 50, "center_lon": 8, "radius_km": 1e308}, "radius must be at most 20050"),
    ({"exclude_site_ids": [HUGE]}, "excluded sites must be site ids"),
    ({"limit": HUGE}, "limit must be at most 1,000"),
])
def test_rank_api_refuses_numbers_out_of_range_naming_the_field(seeded, change, problem):
    r = api_post(seeded, "/rank", {**RANK_SPEC, **change})
    assert r.status_code == 422 and any(p.startswith(problem) for p in r.get_json()["problems"])


def test_rank_page_shows_the_form_again_with_the_field_named(seeded):
    r = submit_form(seeded.client, "/o/acme/site_select/rank", {**RANK_SPEC, "target_enrollment": HUGE},
                    action="/o/acme/site_select/rank/results")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and shown("target enrollment must be at most 1,000,000") in page
    assert re.search(rf'<input[^>]*name="target_enrollment"[^>]*value="{HUGE}"', page)
    r = submit_form(seeded.client, "/o/acme/site_select/rank", {**RANK_SPEC, "weight_enrollment": "1e308"},
                    action="/o/acme/site_select/rank/results")
    assert r.status_code == 422 and "Weight &#39;enrollment&#39; must be at most 1e+06." in r.get_data(as_text=True)


def test_saving_a_preset_with_an_overflowing_weight_is_refused(seeded):
    r = api_post(seeded, "/presets", {"name": "Huge", "weights": {"enrollment": 1e308}})
    assert r.status_code == 422 and "weight 'enrollment' must be at most 1e+06" in r.get_json()["message"]
    token = csrf_token(seeded.client, "/o/acme/site_select/rank")
    page = seeded.client.post("/o/acme/site_select/presets", data={"preset_name": "Huge", "weight_startup": "1e308",
                                                                   "csrf_token": token})
    assert page.status_code == 422 and "Weight &#39;startup&#39; must be at most" in page.get_data(as_text=True)
    assert seeded.api.get("/api/v1/o/acme/site_select/presets", headers=seeded.headers).get_json()["presets"] == []


def test_a_huge_target_with_slow_sites_is_ranked_beyond_the_calendar(seeded):
    slow_only = {"countries": ["DE"], "exclude_site_ids": [seeded.ids["Berlin Heart Center"]]}
    r = api_post(seeded, "/rank", {**RANK_SPEC, **slow_only, "target_enrollment": 1_000_000})
    assert r.status_code == 200
    forecast = r.get_json()["forecast"]
    assert forecast["months_to_target"] > 100_000 and forecast["projected_lsi"] is None
    assert forecast["on_track"] is False


@pytest.mark.parametrize("change, problem", [
    ({"screened": HUGE}, "screened must be at most 2,147,483,647"),
    ({"screened": 2**31, "enrolled": 2**31}, "enrolled must be at most 2,147,483,647"),
    ({"deviations": -1}, "protocol deviations cannot be negative"),
    ({"target": 1e308}, "target must be at most 2,147,483,647"),
    ({"queries_per_100": 1e308}, "queries per 100 data points must be at most 10000"),
    ({"queries_per_100": "nan"}, "queries per 100 data points must be a number"),
])
def test_history_counts_beyond_the_database_integer_are_refused(seeded, change, problem):
    site_id = seeded.ids["Madrid Cardiac Unit"]
    r = api_post(seeded, f"/sites/{site_id}/history", {**HISTORY, **change})
    assert r.status_code == 422 and problem in r.get_json()["problems"]


def test_history_page_shows_the_form_again_with_the_field_named(seeded):
    site_id = seeded.ids["Madrid Cardiac Unit"]
    r = submit_form(seeded.client, f"/o/acme/site_select/sites/{site_id}/history/new", {**HISTORY, "screened": HUGE})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and shown("screened must be at most 2,147,483,647") in page and HUGE in page


def test_site_ids_beyond_any_row_are_no_site(seeded):
    r = api_post(seeded, "/shortlists", {"name": "Big", "spec": RANK_SPEC, "site_ids": [int(HUGE)]})
    assert r.status_code == 422 and "site_ids must be a list of site ids" in r.get_json()["message"]
    too_big = seeded.client.get(f"/o/acme/site_select/rank?preset={HUGE}")
    assert too_big.status_code == 404


def test_an_import_with_a_count_beyond_the_database_integer_rejects_the_row(seeded):
    performance = PERFORMANCE.replace("|50|28|30", f"|{HUGE}|28|30")
    upload = files(**{"facility_performance.txt": performance})
    r = seeded.api.post("/api/v1/o/acme/site_select/imports", headers=seeded.headers,
                        data={"files": [(io.BytesIO(body), name) for name, body in upload.items()]},
                        content_type="multipart/form-data")
    assert r.status_code == 202
    batch_id = r.get_json()["job"]["result"]["data"]["batch_id"]
    batch = seeded.api.get(f"/api/v1/o/acme/site_select/imports/{batch_id}", headers=seeded.headers)
    reasons = [row["reason"] for row in batch.get_json()["batch"]["rejected"]]
    assert "screened must be at most 2,147,483,647" in reasons


def test_site_coordinates_that_overflow_are_refused(seeded):
    r = api_post(seeded, "/sites", {"name": "Far", "country": "DE", "lat": 1e308, "lon": "-1e309"})
    assert r.status_code == 422
    assert [p.split(" must ")[0] for p in r.get_json()["problems"]] == ["latitude", "longitude"]
