"""Weight presets: saved from the form and the API, used to rank, and every change in the
organization's audit trail with old and new weights."""
from __future__ import annotations

import re

from sdk import services
from sdk.testing import post_with_token, submit_form

from ..services.presets import find_preset
from .pages import shown
from .seeds import RANK_SPEC, seed_cardiology

FAST = {"weight_enrollment": "0.2", "weight_screen_failure": "0.1", "weight_startup": "0.5",
        "weight_zero_enroller": "0.1", "weight_data_quality": "0.05", "weight_experience": "0.05"}


def save_preset(client, form):
    """The rank form's "Save weights as preset" button (a ``formaction``)."""
    return submit_form(client, "/o/acme/site_select/rank", form, action="/o/acme/site_select/presets")


def trail(world, preset_name):
    def read():
        preset = find_preset(preset_name)
        return [(e.action, e.changes) for e in services().audit.history(
            tool="site_select", entity_type="weight_preset", entity_id=str(preset.id))]
    return world.run(world.acme, read)


def test_preset_saved_from_the_form_is_audited_and_refills_the_form(world):
    r = save_preset(world.client, {**FAST, "preset_name": "Fast start-up", "therapeutic_area": "oncology"})
    assert r.status_code == 302
    page = world.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Saved the weight preset Fast start-up" in page and 'value="0.5"' in page
    save_preset(world.client, {**FAST, "weight_startup": "0.9", "preset_name": "Fast start-up"})
    entries = trail(world, "Fast start-up")
    assert [action for action, _ in entries] == ["create", "update"]
    assert entries[0][1]["weights"][1]["startup"] == 0.5
    assert entries[1][1]["weights"] == [{**entries[0][1]["weights"][1]},
                                        {**entries[0][1]["weights"][1], "startup": 0.9}]


def test_preset_with_bad_weights_is_refused_and_nothing_saved(world):
    r = save_preset(world.client, {**FAST, "weight_startup": "-1", "preset_name": "Broken"})
    assert r.status_code == 422 and "Weight &#39;startup&#39; must not be negative." in r.get_data(as_text=True)
    r = save_preset(world.client, {**FAST, "preset_name": " "})
    assert r.status_code == 422 and shown("a preset needs a name") in r.get_data(as_text=True)
    assert world.client.get("/api/v1/o/acme/site_select/presets").get_json() == {"presets": []}


def test_preset_via_api_ranks_with_its_weights(world):
    world.run(world.acme, seed_cardiology)
    startup_only = {"enrollment": 0, "screen_failure": 0, "startup": 1, "zero_enroller": 0,
                    "data_quality": 0, "experience": 0}
    r = post_with_token(world.client, "/api/v1/o/acme/site_select/presets",
                        json={"name": "Startup", "weights": startup_only})
    assert r.status_code == 201
    ranked = post_with_token(world.client, "/api/v1/o/acme/site_select/rank", json={**RANK_SPEC, "preset": "Startup"})
    assert ranked.get_json()["weights"] == startup_only
    assert ranked.get_json()["results"][0]["name"] == "Lyon Heart Institute"
    missing = post_with_token(world.client, "/api/v1/o/acme/site_select/rank", json={**RANK_SPEC, "preset": "Nope"})
    assert missing.status_code == 422 and "no weight preset named 'Nope'" in missing.get_json()["message"]


def test_preset_loaded_into_the_form_and_deleted(world):
    save_preset(world.client, {**FAST, "preset_name": "Fast"})
    preset_id = world.client.get("/api/v1/o/acme/site_select/presets").get_json()["presets"][0]["id"]
    page = world.client.get(f"/o/acme/site_select/rank?preset={preset_id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="weight_startup"[^>]*value="0.5"', page)
    r = post_with_token(world.client, f"/o/acme/site_select/presets/{preset_id}/delete")  # no page offers it
    assert r.status_code == 302
    assert world.client.get("/api/v1/o/acme/site_select/presets").get_json() == {"presets": []}
    actions = world.run(world.acme, lambda: [e.action for e in services().audit.history(
        tool="site_select", entity_type="weight_preset", entity_id=str(preset_id))])
    assert actions == ["create", "delete"]
