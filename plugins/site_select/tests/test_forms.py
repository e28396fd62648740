"""The kit's forms on site_select's "Add a site": every problem at once, each beside its field and
in the summary, values kept, and the same messages from the JSON API."""
from __future__ import annotations

import re

from sdk.testing import post_with_token, submit_form

from .pages import shown

FOUR_BAD = {"name": "", "country": "Atlantis", "lat": "91", "lon": "east", "city": "Sunken <b>City</b>"}
MESSAGES = ["name is required", "country must be an ISO 3166 country (code such as DE, or its name)",
            "latitude must be between -90 and 90", "longitude must be a number"]


def test_four_bad_fields_show_four_messages_beside_their_fields_and_in_the_summary(world):
    page = submit_form(world.client, "/o/acme/site_select/sites/new", FOUR_BAD,
                       action="/o/acme/site_select/sites")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert "(4)" in summary and summary.count("<li>") == 4
    for field, message in zip(("name", "country", "lat", "lon"), MESSAGES):
        assert f'<a href="#{field}">{shown(message)}</a>' in summary, field  # once, linking to its field
        block = re.search(rf'<div class="field field-invalid" data-field="{field}">(.*?)</div>', html, re.S)
        assert block and shown(message) in block.group(1) and 'aria-invalid="true"' in block.group(1), field
    assert 'value="Atlantis"' in html and 'value="Sunken &lt;b&gt;City&lt;/b&gt;"' in html  # kept, escaped
    assert world.client.get("/api/v1/o/acme/site_select/sites").get_json()["total"] == 0


def test_the_api_answers_the_same_four_messages(world):
    body = {**FOUR_BAD, "lat": 91}
    response = post_with_token(world.client, "/api/v1/o/acme/site_select/sites", json=body)
    assert response.status_code == 422
    assert response.get_json()["problems"] == MESSAGES


def test_a_good_site_is_added_from_the_form(world):
    page = submit_form(world.client, "/o/acme/site_select/sites/new",
                       {"name": "Lyon Heart Institute", "country": "FR", "lat": "45.75", "lon": "4.85"},
                       action="/o/acme/site_select/sites")
    assert page.status_code == 302


def test_the_rank_form_lets_save_weights_as_preset_through_without_a_trial_spec(world):
    """Its second button ("Save weights as preset") needs no trial: no field may be browser-required."""
    html = world.client.get("/o/acme/site_select/rank").get_data(as_text=True)
    start = html.rindex("<form", 0, html.index('formaction="'))
    assert " required" not in html[start:html.index("</form>", start)]
    saved = submit_form(world.client, "/o/acme/site_select/rank", {"preset_name": "Start-up only"},
                        action="/o/acme/site_select/presets")
    assert saved.status_code == 302
