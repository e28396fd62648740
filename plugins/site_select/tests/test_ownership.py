"""A member's own shortlists and weight presets are theirs to delete (and, for presets, to
replace); other members are refused, while owners, admins and holders of ``manage_all`` (the
feasibility lead role) may."""
from __future__ import annotations

import pytest

from sdk import tool
from sdk.testing import post_with_token, submit_form

from ..models import Shortlist
from .seeds import seed_cardiology
from .test_shortlists import save_shortlist

STARTUP = {"enrollment": 0, "screen_failure": 0, "startup": 1, "zero_enroller": 0, "data_quality": 0,
           "experience": 0}


@pytest.fixture
def team(world, make_user, add_member, login_as):
    """acme's owner made shortlist "Mine"; colleague and lead are members of acme."""
    world.ids = world.run(world.acme, seed_cardiology)
    colleague, lead = make_user("colleague@acme.example.org"), make_user("lead@acme.example.org")
    add_member(world.acme, colleague)
    add_member(world.acme, lead, permissions={"site_select": ["manage_all"]})
    world.shortlist_id = save_shortlist(world, ["Lyon Heart Institute"], name="Mine")
    world.colleague, world.lead = login_as(colleague), login_as(lead)
    return world


def _delete(client, shortlist_id):
    page = f"/o/acme/site_select/shortlists/{shortlist_id}"
    return post_with_token(client, f"{page}/delete", token_from=page)


def _exists(world, shortlist_id) -> bool:
    return world.run(world.acme, lambda: tool().db_session().get(Shortlist, shortlist_id) is not None)


def test_a_colleague_can_neither_delete_nor_see_the_delete_button(team):
    page = f"/o/acme/site_select/shortlists/{team.shortlist_id}"
    assert b"Delete this shortlist" in team.client.get(page).data
    assert b"Delete this shortlist" not in team.colleague.get(page).data
    refused = _delete(team.colleague, team.shortlist_id)
    assert refused.status_code == 403 and b"belongs to the member who made it" in refused.data
    assert _exists(team, team.shortlist_id)


def test_the_creator_and_a_feasibility_lead_may_delete(team):
    assert _delete(team.lead, team.shortlist_id).status_code == 302
    assert not _exists(team, team.shortlist_id)
    own = save_shortlist(team, ["Lyon Heart Institute"], name="Another")
    assert submit_form(team.client, f"/o/acme/site_select/shortlists/{own}", {},
                       action=f"/o/acme/site_select/shortlists/{own}/delete").status_code == 302


def test_a_colleague_cannot_replace_someone_elses_preset(team):
    url = "/api/v1/o/acme/site_select/presets"
    assert post_with_token(team.colleague, url, json={"name": "Startup", "weights": STARTUP}).status_code == 201
    replaced = post_with_token(team.client, url, json={"name": "Startup", "weights": {**STARTUP, "startup": 0.5}})
    assert replaced.status_code == 201  # the owner (an admin) holds manage_all
    other = post_with_token(team.lead, url, json={"name": "Startup", "weights": STARTUP})
    assert other.status_code == 201
    post_with_token(team.lead, url, json={"name": "Lead's", "weights": STARTUP})
    refused = post_with_token(team.colleague, url, json={"name": "Lead's", "weights": {**STARTUP, "startup": 0.2}})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
