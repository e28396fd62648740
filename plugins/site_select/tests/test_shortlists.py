"""Shortlists: saved from the results page, shown with their forecast, exported as CSV and as a
PDF feasibility report, and handed to project planning (pmcp) through a domain event."""
from __future__ import annotations

import json
import re
import zlib

import pytest

from sdk.testing import post_with_token, submit_form

from .pages import rank_on_page, shortlist_from_results, shown
from .seeds import RANK_SPEC, add_history, add_site, seed_cardiology


@pytest.fixture
def seeded(world):
    world.ids = world.run(world.acme, seed_cardiology)
    return world


def save_shortlist(world, names, name="HF-3 Europe"):
    spec = {**RANK_SPEC, "title": "Heart failure phase 3"}
    r = shortlist_from_results(world.client, RANK_SPEC, {
        "spec_json": json.dumps(spec), "name": name, "trial_ref": "HF-301",
        "site_ids": [str(world.ids[n]) for n in names]})
    assert r.status_code == 302, r.get_data(as_text=True)
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def pdf_text(data: bytes) -> str:
    """The text of every content stream of a PDF (fpdf2 deflates them)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "".join(chunks)


def test_results_page_saves_the_ticked_sites_as_a_shortlist(seeded):
    results = rank_on_page(seeded.client, RANK_SPEC).get_data(as_text=True)
    spec_json = re.search(r'<input[^>]*name="spec_json"[^>]*value="([^"]*)"', results).group(1).replace("&#34;", '"')
    ids = re.findall(r'name="site_ids" value="(\d+)"[^>]*checked', results)
    r = shortlist_from_results(seeded.client, RANK_SPEC,
                               {"spec_json": spec_json, "name": "From results", "site_ids": ids[:2]})
    assert r.status_code == 302
    page = seeded.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Shortlist From results" in page and "Berlin Heart Center" in page
    assert "Projected last subject in" in page


def test_shortlist_page_csv_and_pdf(seeded):
    shortlist_id = save_shortlist(seeded, ["Berlin Heart Center", "Lyon Heart Institute"])
    page = seeded.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}")
    assert page.status_code == 200 and "Lyon Heart Institute" in page.get_data(as_text=True)
    csv = seeded.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}/export.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("position,site_id,site,country,city")
    assert [line.split(",")[2] for line in lines[1:]] == ["Berlin Heart Center", "Lyon Heart Institute"]
    assert 'filename="HF-3-Europe.csv"' in csv.headers["Content-Disposition"]
    pdf = seeded.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "Berlin Heart Center" in text and "Lyon Heart Institute" in text
    assert "Feasibility report: HF-3 Europe" in text


def test_shortlist_page_and_pdf_report_show_the_charts(seeded):
    shortlist_id = save_shortlist(seeded, ["Berlin Heart Center", "Lyon Heart Institute"])
    page = seeded.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}").get_data(as_text=True)
    assert page.count('class="chart-image"') == 2
    assert "Expected cumulative enrollment of the shortlist" in page and ">Lyon Heart Institute</th>" in page
    pdf = seeded.client.get(f"/o/acme/site_select/shortlists/{shortlist_id}/report.pdf").data
    images = len(re.findall(rb"/Subtype\s*/Image", pdf)) - len(re.findall(rb"/SMask\s+\d+", pdf))
    assert images == 2  # the score bars and the enrollment curve (a transparency mask is not one)
    text = pdf_text(pdf)
    assert "Score per site" in text and "Expected cumulative enrollment by month" in text


def test_a_site_name_with_markup_is_escaped_in_the_charts(world):
    def seed():
        site = add_site("<script>alert(1)</script> Clinic", "DE", "Berlin", 52.5, 13.4)
        add_history(site, "T-1", "2021-01-04", "2021-02-01", "2021-02-15", "2021-12-01", 60, 40)
        return site.id
    site_id = world.run(world.acme, seed)
    page = rank_on_page(world.client, RANK_SPEC).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Clinic" in page
    profile = world.client.get(f"/o/acme/site_select/sites/{site_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in profile and profile.count('class="chart-image"') == 3


def test_bad_shortlist_input_is_refused_and_nothing_saved(seeded):
    berlin = str(seeded.ids["Berlin Heart Center"])
    # the form's problems are shown as sentences; a spec that cannot be ranked is flashed as it is
    cases = [({"spec_json": json.dumps(RANK_SPEC), "name": "", "site_ids": [berlin]},
              shown("a shortlist needs a name")),
             ({"spec_json": json.dumps(RANK_SPEC), "name": "X"}, shown("pick at least one site for the shortlist")),
             ({"spec_json": json.dumps(RANK_SPEC), "name": "X", "site_ids": ["99999"]},
              shown("unknown site id(s): 99999")),
             ({"spec_json": "not json", "name": "X", "site_ids": [berlin]}, "rank again"),
             ({"spec_json": json.dumps({**RANK_SPEC, "target_enrollment": -3}), "name": "X",
               "site_ids": [berlin]}, "target enrollment must be positive")]
    for data, message in cases:
        r = shortlist_from_results(seeded.client, RANK_SPEC, data)
        assert r.status_code == 422 and message in r.get_data(as_text=True), message
    save_shortlist(seeded, ["Berlin Heart Center"], name="Once")
    r = shortlist_from_results(seeded.client, RANK_SPEC,
                               {"spec_json": json.dumps(RANK_SPEC), "name": "Once", "site_ids": [berlin]})
    assert r.status_code == 422 and "already exists" in r.get_data(as_text=True)
    assert len(seeded.client.get("/api/v1/o/acme/site_select/shortlists").get_json()["shortlists"]) == 1


def test_shortlist_api_create_show_and_remove(seeded):
    ids = [seeded.ids["Lyon Heart Institute"], seeded.ids["Berlin Heart Center"]]
    r = post_with_token(seeded.client, "/api/v1/o/acme/site_select/shortlists",
                        json={"name": "API list", "trial_ref": "HF-302", "spec": RANK_SPEC, "site_ids": ids})
    assert r.status_code == 201
    shortlist_id = r.get_json()["shortlist"]["id"]
    shown = seeded.client.get(f"/api/v1/o/acme/site_select/shortlists/{shortlist_id}").get_json()
    assert [row["site_id"] for row in shown["results"]] == ids
    assert shown["forecast"]["per_site"][0]["site_id"] == ids[0]
    bad = post_with_token(seeded.client, "/api/v1/o/acme/site_select/shortlists",
                          json={"name": "Bad", "spec": RANK_SPEC, "site_ids": "all"})
    assert bad.status_code == 422 and "site_ids must be a list" in bad.get_json()["message"]
    page = f"/o/acme/site_select/shortlists/{shortlist_id}"
    removed = submit_form(seeded.client, page, {}, action=f"{page}/sites/{ids[0]}/remove")
    assert removed.status_code == 302
    last = submit_form(seeded.client, page, {}, action=f"{page}/sites/{ids[1]}/remove")
    assert last.status_code == 422 and "at least one site" in last.get_data(as_text=True)


def test_hand_off_is_offered_only_with_pmcp_and_emits_the_activation_event(seeded, grant_license):
    from . import pmcp_stub

    shortlist_id = save_shortlist(seeded, ["Berlin Heart Center", "Lyon Heart Institute"])
    url = f"/o/acme/site_select/shortlists/{shortlist_id}"
    assert "Hand to project planning" not in seeded.client.get(url).get_data(as_text=True)
    refused = post_with_token(seeded.client, f"{url}/hand-off")  # the page does not offer it
    assert refused.status_code == 422 and "pmcp" in refused.get_data(as_text=True)
    assert pmcp_stub.received == []

    grant_license(seeded.acme, "pmcp", enable=True)
    assert "Hand to project planning" in seeded.client.get(url).get_data(as_text=True)
    assert submit_form(seeded.client, url, {}, action=f"{url}/hand-off").status_code == 302
    [event] = pmcp_stub.received
    assert event.name == "site_select.activation_requested" and event.org_id == seeded.acme.id
    assert event.payload["trial_ref"] == "HF-301" and event.payload["target_enrollment"] == 60
    assert [s["name"] for s in event.payload["sites"]] == ["Berlin Heart Center", "Lyon Heart Institute"]
    assert event.payload["sites"][0]["site_ref"] == str(seeded.ids["Berlin Heart Center"])
    assert event.payload["sites"][0]["expected_rate"] > 0
    again = post_with_token(seeded.client, f"{url}/hand-off")
    assert again.status_code == 422 and "already handed" in again.get_data(as_text=True)
    assert len(pmcp_stub.received) == 1
