"""Ranking through the JSON API and the pages: order, components, explanations, forecast,
filters, and refusals of bad specs that change nothing."""
from __future__ import annotations

import pytest

from sdk.testing import post_with_token

from .pages import rank_on_page, shown
from .seeds import RANK_SPEC, seed_cardiology


@pytest.fixture
def seeded(world):
    world.ids = world.run(world.acme, seed_cardiology)
    return world


def rank(world, body, client=None):
    return post_with_token(client or world.client, "/api/v1/o/acme/site_select/rank", json=body)


def test_api_ranks_sites_with_scores_components_reasons_and_forecast(seeded):
    r = rank(seeded, RANK_SPEC)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    names = [row["name"] for row in data["results"]]
    assert set(names) == {"Berlin Heart Center", "Munich Cardiology Clinic", "Lyon Heart Institute",
                          "Madrid Cardiac Unit"}
    assert names[0] == "Berlin Heart Center"
    assert names.index("Berlin Heart Center") < names.index("Munich Cardiology Clinic")
    top = data["results"][0]
    assert set(top["components"]) == {"enrollment", "screen_failure", "startup", "zero_enroller",
                                      "data_quality", "experience"}
    assert top["score"] == pytest.approx(sum(top["contributions"].values()), abs=0.05)
    assert top["reasons_up"] and isinstance(top["reasons_down"], list)
    assert [row["score"] for row in data["results"]] == sorted((row["score"] for row in data["results"]),
                                                               reverse=True)
    forecast = data["forecast"]
    assert forecast["monthly_rate"] > 0 and forecast["projected_lsi"] and forecast["target_lsi"] == "2026-06-30"
    assert forecast["expected_by_month"][-1]["subjects"] >= 60


def test_country_filter_and_exclusions(seeded):
    data = rank(seeded, {**RANK_SPEC, "countries": ["DE"]}).get_json()
    assert {row["country"] for row in data["results"]} == {"DE"}
    berlin = seeded.ids["Berlin Heart Center"]
    data = rank(seeded, {**RANK_SPEC, "countries": "DE", "exclude_site_ids": [berlin]}).get_json()
    assert [row["name"] for row in data["results"]] == ["Munich Cardiology Clinic"]


def test_radius_filter_reports_distances(seeded):
    data = rank(seeded, {**RANK_SPEC, "center_lat": 52.52, "center_lon": 13.405, "radius_km": 600}).get_json()
    by_name = {row["name"]: row for row in data["results"]}
    assert set(by_name) == {"Berlin Heart Center", "Munich Cardiology Clinic"}
    assert by_name["Munich Cardiology Clinic"]["distance_km"] == pytest.approx(504, abs=5)


def test_raising_the_startup_weight_promotes_the_fastest_starter(seeded):
    """Lyon starts in 19 days, Berlin in 28, Munich in 148; Madrid has no history (area mean)."""
    default = [row["name"] for row in rank(seeded, RANK_SPEC).get_json()["results"]]
    assert default[0] == "Berlin Heart Center"
    startup_heavy = {"enrollment": 0.1, "screen_failure": 0, "startup": 5, "zero_enroller": 0,
                     "data_quality": 0, "experience": 0}
    weighted = rank(seeded, {**RANK_SPEC, "weights": startup_heavy}).get_json()
    assert weighted["weights"]["startup"] == 5.0
    names = [row["name"] for row in weighted["results"]]
    assert names[0] == "Lyon Heart Institute" and names[-1] == "Munich Cardiology Clinic"


@pytest.mark.parametrize("body, problem", [
    ({"therapeutic_area": "cardiology"}, "target enrollment is required"),
    ({**RANK_SPEC, "target_enrollment": "many"}, "target enrollment must be a whole number"),
    ({**RANK_SPEC, "countries": ["XX"]}, "unknown country code"),
    ({**RANK_SPEC, "radius_km": 100}, "a radius needs a center"),
    ({**RANK_SPEC, "weights": {"speed": 1}}, "unknown weight"),
    ({**RANK_SPEC, "weights": {"startup": -1}}, "must not be negative"),
    ({**RANK_SPEC, "target_lsi": "2024-01-01"}, "after the start date"),
    ({**RANK_SPEC, "start_date": "01/02/2025"}, "start date must be a date"),
])
def test_bad_spec_is_422_with_the_reason(seeded, body, problem):
    r = rank(seeded, body)
    assert r.status_code == 422
    assert r.get_json()["error"] == "invalid_input"
    assert problem in r.get_json()["message"]


def test_body_that_is_not_a_json_object_is_422(seeded):
    r = post_with_token(seeded.client, "/api/v1/o/acme/site_select/rank", json=[1, 2])
    assert r.status_code == 422
    assert "JSON object" in r.get_json()["message"] and r.get_json()["error"] == "invalid_input"


def test_rank_pages_show_form_results_explanations_and_forecast(seeded):
    form = seeded.client.get("/o/acme/site_select/rank")
    assert form.status_code == 200 and 'name="weight_startup"' in form.get_data(as_text=True)
    r = rank_on_page(seeded.client, {**RANK_SPEC, "countries": "DE, FR"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Berlin Heart Center" in page and "Madrid Cardiac Unit" not in page
    assert "Raised by" in page and "Projected last subject in" in page and 'class="chart-image"' in page
    assert page.index("Berlin Heart Center") < page.index("Munich Cardiology Clinic")


def test_rank_page_with_bad_spec_shows_the_message_and_the_form(seeded):
    r = rank_on_page(seeded.client, {**RANK_SPEC, "target_enrollment": "0"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert shown("target enrollment must be positive") in page and 'name="target_enrollment"' in page


def test_rank_results_answer_a_shared_link(seeded):
    r = seeded.client.get("/o/acme/site_select/rank/results", query_string=RANK_SPEC)
    assert r.status_code == 200 and "Berlin Heart Center" in r.get_data(as_text=True)
