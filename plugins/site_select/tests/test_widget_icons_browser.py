"""The organization home (site_select's widget), the marketplace and My tools in a real browser:
the map-pin icon is drawn as an SVG icon (not the letters "ma"), and nothing is wider than the
window. Saves widgets-*, catalog-* and my-tools-*.png (1280 and 390 pixels wide) under
tests/artifacts/."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

from .seeds import seed_cardiology

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"
#: The page scrolls sideways (a table may scroll inside its own frame; the sidebar's row too).
PAGE_WIDER_THAN_WINDOW = "() => document.documentElement.scrollWidth > window.innerWidth"


def test_widgets_and_icons_at_two_widths(world, browser, live_server):
    world.run(world.acme, seed_cardiology)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith((live_server, "data:"))
            else outside.append(request.url))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(world.owner.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path, name in (("/o/acme/", "widgets"), ("/marketplace", "catalog"), ("/o/acme/tools", "my-tools")):
        page.goto(live_server + path)
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            assert not page.evaluate(PAGE_WIDER_THAN_WINDOW), (path, width)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        if name != "catalog":
            expect(page.locator("nav.sidebar a[data-tool='site_select'] svg.icon-map-pin")).to_be_visible()
        if name != "widgets":
            expect(page.locator(".tool-icon svg.icon-map-pin").first).to_be_visible()
    page.goto(live_server + "/o/acme/")
    widget = page.locator("section.widget[data-tool='site_select']")
    expect(widget).to_contain_text("Rank sites for a trial")
    expect(widget.get_by_role("link", name="Site directory")).to_have_attribute("href", "/o/acme/site_select/")
    assert errors == [] and outside == []
    context.close()
