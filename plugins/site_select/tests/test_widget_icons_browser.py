"""The organization home (site_select's widget), the marketplace and My tools in a real browser:
the map-pin icon is drawn as an SVG icon (not the letters "ma"), and nothing is wider than the
window. Saves widgets-*, catalog-* and my-tools-*.png (1280 and 390 pixels wide) under
tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .seeds import seed_cardiology

pytestmark = pytest.mark.browser


def test_widgets_and_icons_at_two_widths(world, browser_page: BrowserPage):
    world.run(world.acme, seed_cardiology)
    person, page = browser_page, browser_page.page
    person.sign_in(world.owner.email)
    for path, name in (("/o/acme/", "widgets"), ("/marketplace", "catalog"), ("/o/acme/tools", "my-tools")):
        person.goto(path)
        # fails when the page scrolls sideways (a table may scroll inside its own frame; the sidebar's row too)
        person.screenshots_at_both_widths(name)
        if name != "catalog":
            expect(page.locator("nav.sidebar a[data-tool='site_select'] svg.icon-map-pin")).to_be_visible()
        if name != "widgets":
            expect(page.locator(".tool-icon svg.icon-map-pin").first).to_be_visible()
    person.goto("/o/acme/")
    widget = page.locator("section.widget[data-tool='site_select']")
    expect(widget).to_contain_text("Rank sites for a trial")
    expect(widget.get_by_role("link", name="Site directory")).to_have_attribute("href", "/o/acme/site_select/")
    assert person.errors == [] and person.outside_requests == []
