"""A shortlist is signed as approved from its page (the kit's signature block) and shows its
history with the labels its model declares."""
from __future__ import annotations

import json
from html import unescape

import pytest

from sdk.testing import post_with_token, sign_record
from sdk.testing.support import TEST_PASSWORD

from .seeds import RANK_SPEC, seed_cardiology


@pytest.fixture
def shortlist(world):
    return save_shortlist(world)


def save_shortlist(world) -> int:
    """Seed acme's sites and save a shortlist of two as its owner; returns the shortlist's id."""
    ids = world.run(world.acme, seed_cardiology)
    spec = {**RANK_SPEC, "title": "Heart failure phase 3"}
    r = post_with_token(world.client, "/o/acme/site_select/shortlists", {
        "spec_json": json.dumps(spec), "name": "HF-3 Europe", "trial_ref": "HF-301",
        "site_ids": [str(ids["Berlin Heart Center"]), str(ids["Lyon Heart Institute"])]},
        token_from="/o/acme/site_select/shortlists")
    assert r.status_code == 302, r.get_data(as_text=True)
    world.ids = ids
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def page_of(world, shortlist_id, client=None) -> str:
    return unescape((client or world.client).get(f"/o/acme/site_select/shortlists/{shortlist_id}")
                    .get_data(as_text=True))


def test_shortlist_signed_as_approved_shows_the_manifestation(world, shortlist):
    page = f"/o/acme/site_select/shortlists/{shortlist}"
    before = page_of(world, shortlist)
    dialog = before.split("<dialog")[1].split("</dialog>")[0]
    assert '<option value="approved">Approved</option>' in dialog and "Reviewed" not in dialog
    history = before.split('class="record-history"')[1]
    assert "Shortlist name" in history and "HF-3 Europe" in history and "Trial reference" in history
    signed = sign_record(world.client, page, {"meaning": "approved", "email": world.owner.email,
                                             "password": TEST_PASSWORD})
    after = unescape(signed.get_data(as_text=True))
    block = after.split('class="signature-block"')[1].split("</section>")[0]
    assert "Approved" in block and world.owner.name in block and world.owner.email in block
    assert "stale" not in block
    assert "Signed" in after.split('class="record-history"')[1]


def test_only_approval_is_offered_and_accepted(world, shortlist):
    r = post_with_token(world.client, f"/o/acme/records/site_select/shortlist/{shortlist}/sign",
                        {"meaning": "reviewed", "email": world.owner.email, "password": TEST_PASSWORD},
                        token_from=f"/o/acme/site_select/shortlists/{shortlist}", follow_redirects=True)
    assert "can be signed as: Approved" in unescape(r.get_data(as_text=True))
    assert "Not signed yet." in page_of(world, shortlist)


def test_removing_a_site_makes_the_approval_stale(world, shortlist):
    page = f"/o/acme/site_select/shortlists/{shortlist}"
    sign_record(world.client, page, {"meaning": "approved", "email": world.owner.email, "password": TEST_PASSWORD})
    lyon = world.ids["Lyon Heart Institute"]
    r = post_with_token(world.client, f"{page}/sites/{lyon}/remove", {}, token_from=page)
    assert r.status_code == 302
    assert "stale: the record changed after signing" in page_of(world, shortlist)


def test_another_org_cannot_sign_or_see_the_shortlist(world, shortlist):
    r = post_with_token(world.other_client, f"/o/other/records/site_select/shortlist/{shortlist}/sign",
                        {"meaning": "approved", "email": world.other_owner.email, "password": TEST_PASSWORD},
                        token_from="/o/other/site_select/shortlists")
    assert r.status_code == 404
    assert "Not signed yet." in page_of(world, shortlist)
