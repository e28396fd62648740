"""The search page in a real browser, 1280 and 390 pixels wide: the binder's Search tab, a
search typed in the box, results with the match marked; each fits the window. Saves
edocs-search-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .files import docx_with, pdf_with

pytestmark = pytest.mark.browser


def test_searching_a_binder_shows_marked_snippets(sponsor, browser_page: BrowserPage):
    sponsor.file("02.01.01", pdf_with("Protocol synopsis for the HF-301 trial",
                                      "The primary endpoint is levosimendan tolerability over 24 weeks"),
                 "synopsis.pdf", title="Protocol synopsis", tags="inspection-ready")
    sponsor.file("05.02.04", docx_with("Curriculum vitae", "Board certified in electrophysiology; trained in "
                                       "levosimendan infusion protocols at a very-long-hyphenated-institution-name"),
                 "cv.docx", level="site", site="101", title="CV of the principal investigator at Lakeside Clinic")
    browser_page.sign_in(sponsor.owner.email)
    page = browser_page.page
    browser_page.goto(f"/o/acme-pharma/edocs/search?study_id={sponsor.study_id}")
    page.get_by_label("Words to find").fill("levosimendan")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-result")).to_have_count(2)
    expect(page.locator(".search-result mark").first).to_have_text("levosimendan")
    browser_page.screenshots_at_both_widths("edocs-search-results")

    page.get_by_label("Words to find").fill("-levosimendan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("Search for at least one word")
    browser_page.screenshots_at_both_widths("edocs-search-refused")
    assert browser_page.errors == [] and browser_page.outside_requests == []
