"""Sharing in a real browser: the sponsor shares a study's site 3 with a site organization, whose
owner accepts on the Sharing page and opens the study. Screenshots at 1280 and 390 pixels wide
are saved under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage
from sdk.testing.support import TEST_PASSWORD
from tests.sharing.world import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app, support):
    return build_world(app, support, lambda email: support.create_user(email))


def _person(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    person = BrowserPage(context.new_page(), live_server)
    person.goto("/login")
    person.page.get_by_label("Email").fill(email)
    person.page.get_by_label("Password").fill(TEST_PASSWORD)
    person.page.get_by_role("button", name="Sign in").click()
    return context, person


def _both_widths(person: BrowserPage, name: str) -> None:
    person.screenshot(f"{name}-1280.png")
    person.page.set_viewport_size({"width": 390, "height": 844})
    person.screenshot(f"{name}-390.png")
    person.page.set_viewport_size({"width": 1280, "height": 800})


def test_a_sponsor_shares_a_site_of_a_study_and_the_site_accepts(world, browser, live_server):
    sponsor_context, sponsor = _person(browser, live_server, world.sponsor_owner.email)
    sponsor.goto(f"/o/sponsor/studytool/studies/{world.study_id}")
    page = sponsor.page
    page.locator("#org").fill("site-org")
    page.locator("#share-site").select_option(label="Site 3")
    page.locator("#role-site_coordinator").check()
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".flash")).to_contain_text("Invitation sent.")
    sponsor.goto("/o/sponsor/sharing")
    given = page.get_by_role("region", name="Shared by Sponsor")
    expect(given).to_contain_text("ABC-301")
    expect(given).to_contain_text("Site 3 only")
    expect(given).to_contain_text("waiting for answer")
    _both_widths(sponsor, "sharing-11-owner-waiting")

    site_context, site = _person(browser, live_server, world.site_owner.email)
    expect(site.page.locator(".notifications-link")).to_contain_text("1")
    site.goto("/o/site-org/sharing")
    waiting = site.page.get_by_role("region", name="Invitations waiting for Site-Org")
    expect(waiting).to_contain_text("Sponsor")
    expect(waiting).to_contain_text("Site coordinator")
    _both_widths(site, "sharing-12-grantee-invitation")
    waiting.get_by_role("button", name="Accept").click()
    expect(site.page.locator(".flash")).to_contain_text("is now shared with Site-Org")
    received = site.page.get_by_role("region", name="Shared with Site-Org")
    expect(received).to_contain_text("ABC-301")
    _both_widths(site, "sharing-13-grantee-received")

    received.get_by_role("link", name="Who works on it").click()
    expect(site.page.locator("main")).to_contain_text("Owners and admins hold all of these roles")
    _both_widths(site, "sharing-14-team")

    site.goto(f"/o/site-org/studytool/studies/{world.study_id}")
    expect(site.page.locator("ul.subjects")).to_contain_text("S3-001")
    expect(site.page.locator("ul.subjects")).not_to_contain_text("S1-001")
    assert site.errors == [] and sponsor.errors == []
    assert site.outside_requests == [] and sponsor.outside_requests == []
    site_context.close()
    sponsor_context.close()
