"""The study's team and sharing page in a real browser, 1280 and 390 pixels wide: the owner names
an unblinded statistician and invites a site organization; the grid and the invitation fit the
window. Saves rtsm-team-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_owner_names_a_statistician_and_invites_a_site(sponsor, browser_page, make_user, make_org):
    sponsor.member("sam.stat@acme-pharma.example.org", "Sam Stat")
    make_org("charite", owner=make_user("cara@charite.example.org"), name="Charité")
    browser_page.sign_in(sponsor.owner.email)
    page = browser_page.page
    browser_page.goto(f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/team")
    expect(page).to_have_title("Team and sharing of Heart failure 301 · Trial Office")
    page.get_by_label("Sam Stat: Unblinded statistician").check()
    page.get_by_role("button", name="Save the team").click()
    expect(page.get_by_text("Saved the team of Heart failure 301 (1 roles given, 0 taken away).")).to_be_visible()
    expect(page.get_by_label("Sam Stat: Unblinded statistician")).to_be_checked()

    page.get_by_role("textbox", name="Organization").fill("charite")
    page.get_by_label("For", exact=True).select_option(label="Site S01 only (a site organization)")
    page.get_by_label("Site staff (blinded)", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator('tr[data-grant="charite"]')).to_contain_text("Site staff (blinded)")
    browser_page.screenshots_at_both_widths("rtsm-team")
    assert browser_page.errors == [] and browser_page.outside_requests == []
