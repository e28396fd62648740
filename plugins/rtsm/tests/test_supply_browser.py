"""The supply pages in a real browser, 1280 and 390 pixels wide: the dashboard with its chart, the
kit list, a shipment shipped then received with a damaged kit, and the depots and sites page;
each fits the window. Saves rtsm-supply-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .supply_world import activate, add_kits, kit_rows, randomize, stock_site

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(sponsor, browser_page: BrowserPage):
    """The sponsor's owner (supply rights, blinded) signed in; S01 stocked with a subject
    randomized, S02 active with its initial shipment requested."""
    stock_site(sponsor, "S01", 6, 3)
    randomize(sponsor, "S01-001")
    add_kits(sponsor, kit_rows(8, 4, start=100))
    activate(sponsor, "S02", initial_kits=4, min_stock=2, max_stock=6)
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_supply_dashboard_kits_shipment_and_settings(manager, sponsor):
    page, base = manager.page, f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/supply"
    manager.goto(base)
    expect(page.get_by_role("heading", name="Stock per site")).to_be_visible()
    expect(page.locator("img.chart-image")).to_be_visible()
    manager.screenshots_at_both_widths("rtsm-supply-dashboard")

    page.get_by_role("button", name="Run resupply now").click()
    expect(page.get_by_text("Site S01: Stock reaches the trigger; nothing to send.")).to_be_visible()

    manager.goto(base + "/kits")
    expect(page.get_by_role("cell", name="K0101")).to_be_visible()
    expect(page.locator("[data-arm]")).to_have_count(0)
    manager.screenshots_at_both_widths("rtsm-supply-kits")

    manager.goto(base + "/shipments")
    page.get_by_role("link", name="SH-0002").click()
    page.get_by_role("button", name="Ship", exact=True).click()
    expect(page.get_by_text("Shipment SH-0002 shipped.")).to_be_visible()
    page.get_by_label("Condition of kit K0101").select_option("damaged")
    manager.screenshots_at_both_widths("rtsm-supply-receive")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_text("Shipment SH-0002 received; 1 kit(s) recorded damaged or missing.")).to_be_visible()

    manager.goto(base + "/settings")
    expect(page.get_by_role("heading", name="Expiry windows")).to_be_visible()
    manager.screenshots_at_both_widths("rtsm-supply-settings")
