"""The visit log in a real browser (headless Chromium, through the harness's ``browser_page``):
a monitor signs in, logs a visit through the form and finds it in the list. Saves
visit-log-form-*.png and visit-log-list-*.png, 1280 and 390 pixels wide, under tests/artifacts/;
each screenshot fails the test when the page is wider than the window."""
import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

pytestmark = pytest.mark.browser


def test_a_visit_logged_in_the_browser_is_in_the_list(browser_page: BrowserPage, make_user, make_org,
                                                      grant_license):
    owner = make_user("olivia@acme.example.org", name="Olivia Owner")
    grant_license(make_org("acme", owner=owner), "visit_log", enable=True)
    person, page = browser_page, browser_page.page
    person.sign_in(owner.email)

    person.goto("/o/acme/visit_log/")
    page.get_by_role("link", name="Log a visit").first.click()
    page.get_by_label("Site").fill("104 Charité Berlin")
    page.get_by_label("Visit date").fill("2026-03-14")
    page.get_by_label("Kind of visit").select_option("routine")
    page.get_by_label("Findings").fill("ICF v3 missing for two subjects; re-consent agreed.")
    person.screenshots_at_both_widths("visit-log-form")
    page.get_by_role("button", name="Log visit").click()
    expect(page.get_by_text("Logged the visit to 104 Charité Berlin.")).to_be_visible()

    person.goto("/o/acme/visit_log/")
    row = page.get_by_role("row").filter(has_text="104 Charité Berlin")
    expect(row).to_contain_text("2026-03-14")
    expect(row).to_contain_text("Routine monitoring")
    person.screenshots_at_both_widths("visit-log-list")
    assert person.errors == [] and person.outside_requests == []
