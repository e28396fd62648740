"""The site master pages: directory with filters and pages, adding a site, the profile with
metrics and charts, manual history entry; bad input gets a message and changes nothing."""
from __future__ import annotations

import re
from html import unescape

from sdk import services
from sdk.testing import post_with_token, submit_form

from .pages import shown
from .seeds import add_site, seed_cardiology

NEW_SITE = {"name": "Vienna General Hospital", "country": "Austria", "city": "Vienna", "lat": "48.2",
            "lon": "16.37", "therapeutic_areas": "Cardiology; Respiratory", "network": "EuroHeart Network",
            "investigators": "Dr. A; Dr. B", "conditions": "Heart Failure"}
HISTORY = {"trial_ref": "HF-900", "phase": "Phase 3", "therapeutic_area": "cardiology",
           "condition": "Heart Failure", "selected_on": "2023-01-02", "activated_on": "2023-02-01",
           "first_subject_in": "2023-02-20", "last_subject_in": "2023-12-01", "screened": "50",
           "enrolled": "28", "target": "30", "queries_per_100": "2.5", "deviations": "1"}


def add_site_on_page(client, form):
    return submit_form(client, "/o/acme/site_select/sites/new", form)


def listed_names(page: str) -> list[str]:
    return re.findall(r'/sites/\d+">([^<]+)</a>', page)


def test_directory_filters_by_country_area_network_and_search(world):
    world.run(world.acme, seed_cardiology)
    world.run(world.acme, lambda: add_site("Oslo Lung Clinic", "NO", "Oslo", 59.91, 10.75, area="respiratory"))
    get = lambda **args: listed_names(world.client.get("/o/acme/site_select/", query_string=args)  # noqa: E731
                                      .get_data(as_text=True))
    assert len(get()) == 5
    assert get(country="DE") == ["Berlin Heart Center", "Munich Cardiology Clinic"]
    assert get(area="respiratory") == ["Oslo Lung Clinic"]
    assert get(area="Cardiology") == ["Berlin Heart Center", "Lyon Heart Institute", "Madrid Cardiac Unit",
                                      "Munich Cardiology Clinic"]
    assert get(network="EuroHeart Network", q="lyon") == ["Lyon Heart Institute"]
    assert get(q="madrid investigator") == ["Madrid Cardiac Unit"]
    assert get(q="nothing like this") == []


def test_directory_pages(world):
    def many():
        for n in range(30):
            add_site(f"Site {n:02d}", "DE", f"City {n:02d}", 50.0, 10.0)
    world.run(world.acme, many)
    first = world.client.get("/o/acme/site_select/").get_data(as_text=True)
    assert "1–25 of 30 sites · page 1 of 2" in first and len(listed_names(first)) == 25
    second = world.client.get("/o/acme/site_select/?page=2").get_data(as_text=True)
    assert listed_names(second) == [f"Site {n}" for n in range(25, 30)]
    assert "page 2 of 2" in world.client.get("/o/acme/site_select/?page=99").get_data(as_text=True)
    assert world.client.get("/o/acme/site_select/?page=abc").status_code == 200


def test_add_a_site_and_its_history_by_hand(world):
    r = add_site_on_page(world.client, NEW_SITE)
    assert r.status_code == 302
    site_url = r.headers["Location"]
    profile = world.client.get(site_url).get_data(as_text=True)
    assert "Vienna General Hospital" in profile and "Austria (AT)" in profile and "No trial history yet" in profile
    r = submit_form(world.client, site_url.rstrip("/") + "/history/new", HISTORY)
    assert r.status_code == 302
    profile = world.client.get(site_url).get_data(as_text=True)
    assert "HF-900" in profile and ">manual<" in profile
    assert "44%" in profile
    assert profile.count('class="chart-image"') == 3
    site_id = site_url.rstrip("/").rsplit("/", 1)[-1]
    trail = world.run(world.acme, lambda: services().audit.history(tool="site_select", entity_type="site",
                                                                  entity_id=site_id))
    assert [(e.action, e.actor, e.changes["name"][1]) for e in trail] == [
        ("create", "owner@acme.example.org", "Vienna General Hospital")]


def test_bad_site_input_is_refused_with_every_reason(world):
    bad = {**NEW_SITE, "name": "", "country": "Atlantis", "lat": "north", "lon": "200"}
    r = add_site_on_page(world.client, bad)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    for reason in ("name is required", "country must be an ISO 3166 country (code such as DE, or its name)",
                   "latitude must be a number", "longitude must be between -180 and 180"):
        assert shown(reason) in page, reason
    assert 'value="Atlantis"' in page
    add_site_on_page(world.client, NEW_SITE)
    twice = add_site_on_page(world.client, NEW_SITE)
    assert twice.status_code == 422 and "already in the site master" in twice.get_data(as_text=True)
    assert world.client.get("/api/v1/o/acme/site_select/sites").get_json()["total"] == 1


def test_bad_history_input_is_refused_and_nothing_saved(world):
    site_id = world.run(world.acme, lambda: add_site("Oslo Lung Clinic", "NO", "Oslo", 59.91, 10.75).id)
    url = f"/o/acme/site_select/sites/{site_id}/history"
    cases = [({**HISTORY, "trial_ref": ""}, "trial reference is required"),
             ({**HISTORY, "enrolled": "60"}, "enrolled cannot exceed screened"),
             ({**HISTORY, "screened": "-1"}, "screened cannot be negative"),
             ({**HISTORY, "activated_on": "2022-01-01"}, "activation date cannot be before selection date"),
             ({**HISTORY, "last_subject_in": "31/12/2023"}, "last subject in must be a date (YYYY-MM-DD)"),
             ({**HISTORY, "phase": "Phase 7"},
              "unknown trial phase 'Phase 7' (expected e.g. 'Phase 2' or 'PHASE1/PHASE2')"),
             ({**HISTORY, "therapeutic_area": "", "condition": ""},
              "therapeutic area is required (or a condition it can be derived from)")]
    for data, reason in cases:
        r = submit_form(world.client, f"{url}/new", data)
        assert r.status_code == 422 and shown(reason) in unescape(r.get_data(as_text=True)), reason
    api = post_with_token(world.client, f"/api/v1/o/acme/site_select/sites/{site_id}/history",
                          json={**HISTORY, "target": "x"})
    assert api.status_code == 422 and api.get_json()["problems"] == ["target must be a whole number"]
    assert submit_form(world.client, f"{url}/new", HISTORY).status_code == 302
    again = submit_form(world.client, f"{url}/new", HISTORY)
    assert again.status_code == 422 and "already has history for trial HF-900" in again.get_data(as_text=True)
    profile = world.client.get(f"/o/acme/site_select/sites/{site_id}").get_data(as_text=True)
    assert profile.count("HF-900") == 1


def test_unknown_site_is_404(world):
    assert world.client.get("/o/acme/site_select/sites/4242").status_code == 404
    assert world.client.get("/api/v1/o/acme/site_select/imports/4242").status_code == 404
