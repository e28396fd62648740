"""The completeness dashboard and the milestones page in a real browser, 1280 and 390 pixels wide:
totals, both charts, the overdue list and the per-zone and per-site tables; a milestone set and
moved through the page. Each fits the window. Saves edocs-completeness-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .helpers import add_milestone, approve, reviewer_of

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in; study start and site 101's activation set in the past,
    with the protocol and the PI's CV QC-passed and the IB filed."""
    reviewer = reviewer_of(sponsor)
    add_milestone(sponsor, "study_start", "2026-02-01")
    add_milestone(sponsor, "site_activation", "2026-03-01", site="101")
    approve(sponsor, reviewer, sponsor.file("02.01.02", data=b"protocol\n", filename="protocol.txt"))
    approve(sponsor, reviewer, sponsor.file("05.02.04", data=b"cv\n", filename="cv.txt", level="site", site="101"))
    sponsor.file("02.01.01", data=b"brochure\n", filename="brochure.txt")
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_completeness_dashboard_and_milestones(manager, sponsor):
    page, base = manager.page, f"/o/acme-pharma/edocs/studies/{sponsor.study_id}"
    manager.goto(base + "/completeness")
    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    expect(page.locator("img.chart-image")).to_have_count(2)
    expect(page.get_by_role("rowheader", name="101 Lakeside Clinic")).to_be_visible()
    manager.screenshots_at_both_widths("edocs-completeness")

    manager.goto(base + "/milestones")
    page.get_by_label("Milestone", exact=True).select_option("site_activation")
    page.get_by_label("Site (for a site milestone)").select_option("102")
    page.get_by_label("Date", exact=True).fill("2026-12-01")
    page.get_by_role("button", name="Set the milestone").click()
    expect(page.get_by_text("Site activation, site 102 is set for 2026-12-01.")).to_be_visible()
    expect(page.get_by_role("cell", name="05.02.08 Form FDA 1572")).to_be_visible()
    manager.screenshots_at_both_widths("edocs-milestones")
