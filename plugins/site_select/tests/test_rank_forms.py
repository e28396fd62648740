"""The kit's forms on site_select's other pages: the rank form (two buttons, each checked for what
it needs), adding trial history, saving a shortlist from the results, the import upload and the
directory's filters. Several bad fields show every message beside its field and in the summary,
the values are kept, and the JSON API answers the same messages (422, the platform's shape)."""
from __future__ import annotations

import html as htmllib
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sdk.testing import post_with_token, submit_form

from .pages import shortlist_from_results, shown
from .seeds import RANK_SPEC, seed_cardiology

RANK = "/o/acme/site_select/rank"
API = "/api/v1/o/acme/site_select"


@pytest.fixture
def seeded(world):
    world.ids = world.run(world.acme, seed_cardiology)
    return world


def summary_of(page: str) -> str:
    start = page.index('class="error-summary"')
    return htmllib.unescape(page[start:page.index("</div>", start)])


def beside(page: str, field: str) -> str:
    """The messages shown in the field's own block (the kit's ``field`` macro)."""
    block = re.search(rf'<div class="field field-invalid" data-field="{field}">(.*?)</div>', page, re.S)
    assert block, f"no error beside {field}"
    assert 'aria-invalid="true"' in block.group(1) or "<fieldset" in block.group(1), field
    return htmllib.unescape(block.group(1))


def kept(page: str, field: str, value: str) -> bool:
    return re.search(rf'<input[^>]*name="{field}"[^>]*value="{re.escape(value)}"', page) is not None


def assert_shown(response, expected: dict[str, str]) -> str:
    """Every (field, message) beside its field and in the summary (once, linking to its field), as a
    sentence, with the summary's count."""
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    summary = summary_of(page)
    assert f"({len(expected)})" in summary and summary.count("<li>") == len(expected), summary
    for field, message in expected.items():
        assert shown(message) in beside(page, field), (field, message)
        assert summary.count(shown(message)) == 1, message
        assert f'<a href="#{field}">{shown(message)}</a>' in summary, (field, message)
    return page


def api_problems(client, path: str, body: dict) -> list[str]:
    response = post_with_token(client, f"{API}{path}", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    data = response.get_json()
    assert data["error"] == "invalid_input" and data["message"] == "; ".join(data["problems"])
    return data["problems"]


BAD_SPEC = {"therapeutic_area": "cardiology", "target_enrollment": "0", "countries": "DE, XX",
            "center_lat": "95", "exclude_site_ids": "Berlin", "target_lsi": "2020-13-01",
            "weight_startup": "-1", "condition": "Heart <b>Failure</b>"}
SPEC_MESSAGES = {
    "target_enrollment": "target enrollment must be positive",
    "target_lsi": "target last-subject-in date must be a date (YYYY-MM-DD)",
    "countries": "unknown country code(s): XX (use ISO 3166-1 alpha-2, e.g. 'DE')",
    "center_lat": "center latitude must be at most 90",
    "center_lon": "give both center latitude and longitude, or neither",
    "exclude_site_ids": "excluded sites must be site ids, not Berlin",
    "weight_startup": "weight 'startup' must not be negative",
}


def test_ranking_with_bad_fields_shows_every_problem_beside_its_field(seeded):
    r = submit_form(seeded.client, RANK, BAD_SPEC, action=f"{RANK}/results")
    page = assert_shown(r, SPEC_MESSAGES)
    assert kept(page, "center_lat", "95") and kept(page, "exclude_site_ids", "Berlin")
    assert kept(page, "weight_startup", "-1") and kept(page, "countries", "DE, XX")
    assert kept(page, "condition", "Heart &lt;b&gt;Failure&lt;/b&gt;")  # kept, escaped
    assert re.search(r'<option selected value="cardiology">|<option value="cardiology" selected', page)


def test_the_rank_api_answers_the_same_messages(seeded):
    body = {**BAD_SPEC, "target_enrollment": 0, "center_lat": 95, "countries": ["DE", "XX"],
            "exclude_site_ids": ["Berlin"], "weights": {"startup": -1}}
    del body["weight_startup"]
    response = post_with_token(seeded.client, f"{API}/rank", json=body)
    assert response.status_code == 422
    data = response.get_json()
    assert sorted(data["problems"]) == sorted(SPEC_MESSAGES.values())
    assert data["fields"]["weights"] == ["weight 'startup' must not be negative"]
    assert data["fields"]["center_lat"] == [SPEC_MESSAGES["center_lat"]]


def test_a_bookmarked_results_url_with_bad_values_shows_the_form_with_its_problems(seeded):
    r = seeded.client.get(f"{RANK}/results", query_string={**RANK_SPEC, "radius_km": "50", "shortlist_size": "x"})
    page = assert_shown(r, {"radius_km": "a radius needs a center point (latitude, longitude)",
                            "shortlist_size": "shortlist size must be a whole number"})
    assert kept(page, "radius_km", "50") and kept(page, "target_enrollment", "60")


def test_good_ranking_redirects_to_its_bookmarkable_url_with_lists_as_text(seeded):
    r = submit_form(seeded.client, RANK, {**RANK_SPEC, "countries": "DE, FR"}, action=f"{RANK}/results")
    assert r.status_code == 303 and parse_qs(urlsplit(r.headers["Location"]).query)["countries"] == ["DE, FR"]
    results = seeded.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Lyon Heart Institute" in results and "Madrid Cardiac Unit" not in results
    back = re.search(r'href="([^"]*/rank\?[^"]*)"', results).group(1)
    assert kept(seeded.client.get(htmllib.unescape(back)).get_data(as_text=True), "countries", "DE, FR")


def test_no_field_is_browser_required_on_any_form(seeded):
    pages = [RANK, f"{RANK}/results?{'&'.join(f'{k}={v}' for k, v in RANK_SPEC.items())}",
             f"/o/acme/site_select/sites/{seeded.ids['Lyon Heart Institute']}/history/new",
             "/o/acme/site_select/imports", "/o/acme/site_select/", "/o/acme/site_select/sites/new"]
    for path in pages:
        page = seeded.client.get(path).get_data(as_text=True)
        main = page[page.index("<main"):]
        assert not re.search(r"<(input|select|textarea)[^>]*\srequired", main), path


def test_saving_a_preset_needs_only_its_name_and_weights(seeded):
    """The second button works with the trial fields empty, or wrong: they are not looked at."""
    r = submit_form(seeded.client, RANK, {**BAD_SPEC, "weight_startup": "0.6", "preset_name": "Start-up first"},
                    action="/o/acme/site_select/presets")
    assert r.status_code == 302
    presets = seeded.client.get(f"{API}/presets").get_json()["presets"]
    assert [(p["name"], p["weights"]["startup"]) for p in presets] == [("Start-up first", 0.6)]
    refilled = seeded.client.get(r.headers["Location"]).get_data(as_text=True)
    assert kept(refilled, "center_lat", "95") and kept(refilled, "weight_startup", "0.6")


def test_a_preset_without_a_name_and_with_bad_weights_shows_both_problems(seeded):
    r = submit_form(seeded.client, RANK, {"weight_startup": "fast", "weight_enrollment": "-2", "preset_name": " "},
                    action="/o/acme/site_select/presets")
    expected = {"preset_name": "a preset needs a name", "weight_startup": "weight 'startup' must be a number",
                "weight_enrollment": "weight 'enrollment' must not be negative"}
    page = assert_shown(r, expected)
    assert kept(page, "weight_startup", "fast")
    assert seeded.client.get(f"{API}/presets").get_json()["presets"] == []
    problems = api_problems(seeded.client, "/presets", {"name": "", "weights": {"startup": "fast", "enrollment": -2}})
    assert sorted(problems) == sorted(expected.values())


HISTORY_BAD = {"trial_ref": "", "trial_title": "Heart <i>failure</i> study", "phase": "", "therapeutic_area": "",
               "condition": "", "selected_on": "2022-02-01", "activated_on": "2022-01-01",
               "screened": "10", "enrolled": "12", "target": "lots", "queries_per_100": "-3"}
HISTORY_MESSAGES = {"trial_ref": "trial reference is required",
                    "therapeutic_area": "therapeutic area is required (or a condition it can be derived from)",
                    "activated_on": "activation date cannot be before selection date",
                    "enrolled": "enrolled cannot exceed screened", "target": "target must be a whole number",
                    "queries_per_100": "queries per 100 data points cannot be negative"}


def test_history_with_bad_fields_shows_every_problem_and_keeps_the_values(seeded):
    site_id = seeded.ids["Madrid Cardiac Unit"]
    r = submit_form(seeded.client, f"/o/acme/site_select/sites/{site_id}/history/new", HISTORY_BAD)
    page = assert_shown(r, HISTORY_MESSAGES)
    assert kept(page, "trial_title", "Heart &lt;i&gt;failure&lt;/i&gt; study") and kept(page, "target", "lots")
    assert kept(page, "activated_on", "2022-01-01")
    problems = api_problems(seeded.client, f"/sites/{site_id}/history",
                            {**HISTORY_BAD, "trial_ref": " ", "queries_per_100": -3})
    assert sorted(problems) == sorted(HISTORY_MESSAGES.values())
    profile = seeded.client.get(f"/o/acme/site_select/sites/{site_id}").get_data(as_text=True)
    assert "No trials recorded for this site." in profile


def test_a_shortlist_without_name_or_sites_shows_the_results_again_with_both_problems(seeded):
    results = seeded.client.get(f"{RANK}/results", query_string=RANK_SPEC).get_data(as_text=True)
    spec_json = htmllib.unescape(re.search(r'<input[^>]*name="spec_json"[^>]*value="([^"]*)"', results).group(1))
    r = shortlist_from_results(seeded.client, RANK_SPEC, {"spec_json": spec_json, "name": "", "title": "HF <b>3</b>",
                                                         "trial_ref": "X" * 70})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    summary = summary_of(page)
    assert "(3)" in summary and shown("pick at least one site for the shortlist") in summary
    name_message = shown("a shortlist needs a name")
    assert name_message in beside(page, "name") and name_message in summary
    trial_ref_message = shown("the trial reference can have at most 64 characters")
    assert trial_ref_message in beside(page, "trial_ref") and trial_ref_message in summary
    assert kept(page, "title", "HF &lt;b&gt;3&lt;/b&gt;") and "Berlin Heart Center" in page
    assert not re.search(r'name="site_ids" value="\d+"[^>]*checked', page)  # the ticks as posted: none
    problems = api_problems(seeded.client, "/shortlists", {"name": "", "trial_ref": "X" * 70,
                                                           "spec": json.loads(spec_json), "site_ids": []})
    assert sorted(problems) == sorted(["a shortlist needs a name", "the trial reference can have at most 64 characters",
                                       "pick at least one site for the shortlist"])


def test_an_upload_of_wrong_files_lists_every_problem_beside_the_files_field(world):
    upload = {"files": [(io.BytesIO(b"hello"), "notes.txt"), (io.BytesIO(b"\xff\xfe"), "studies.txt")]}
    r = submit_form(world.client, "/o/acme/site_select/imports", upload)
    page = r.get_data(as_text=True)
    summary = summary_of(page)
    assert r.status_code == 422 and "(2)" in summary
    block = beside(page, "files")
    # each a sentence that keeps the file's name as it was uploaded, beside the field and in the summary
    for message in ("notes.txt: not an AACT file", "studies.txt: not UTF-8 text."):
        assert message in block and message in summary, message
    api = post_with_token(world.client, f"{API}/imports", {
        "files": [(io.BytesIO(b"hello"), "notes.txt"), (io.BytesIO(b"\xff\xfe"), "studies.txt")]})
    answered = api.get_json()["fields"]["files"]
    assert api.status_code == 422 and len(answered) == 2
    assert all(message.lower() in block.lower() for message in answered)  # the same words (as sentences above)


def test_the_directory_filters_keep_their_choices(seeded):
    page = seeded.client.get("/o/acme/site_select/", query_string={"q": "heart", "country": "DE"}).get_data(
        as_text=True)
    assert kept(page, "q", "heart")
    assert re.search(r'<option selected value="DE">|<option value="DE" selected', page)
    assert "Germany (DE)" in page and "Berlin Heart Center" in page and "Lyon Heart Institute" not in page


def test_a_preset_holding_weights_of_older_rules_is_reported_not_a_500(world):
    from sdk import tool

    from ..models import WeightPreset

    def store():
        preset = WeightPreset(name="Old", weights={"startup": -1})
        tool().db_session().add(preset)
        tool().db_session().flush()
        return preset.id

    preset_id = world.run(world.acme, store)
    page = world.client.get(f"{RANK}?preset={preset_id}")
    assert page.status_code == 200 and "holds invalid weights" in htmllib.unescape(page.get_data(as_text=True))
    assert world.client.get(f"{RANK}/results").headers["Location"].endswith("/o/acme/site_select/rank")
