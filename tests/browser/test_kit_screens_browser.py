"""The kit's screens in a real browser at 1280 and 390 pixels wide: the start page, a filter bar
with every problem beside its field, the audit trail's table, the notification centre and the
email choices. Each screenshot (tests/artifacts/kit-*-1280.png, -390.png) fails its test if the
page is wider than the window."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(browser_page, email: str) -> None:
    page = browser_page.page
    browser_page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_start_page_lists_tools_now_and_coming(browser_page):
    browser_page.goto("/")
    page = browser_page.page
    expect(page.locator("#available-tools .card")).not_to_have_count(0)
    expect(page.locator("#available-tools")).to_contain_text("EDC")
    expect(page.locator("#coming-tools")).to_contain_text("Project collaboration")
    expect(page.locator("#available-tools")).to_contain_text("eTMF")
    browser_page.screenshots_at_both_widths("kit-start-page")


def test_audit_trail_filters_and_table_fit_both_widths(browser_page, make_user, make_org, grant_license):
    owner = make_user("olivia@acme.example.org", name="Olivia Owner")
    grant_license(make_org("acme", owner=owner, name="Acme Trials"), "testtool", enable=True)
    sign_in(browser_page, owner.email)
    page = browser_page.page
    browser_page.goto("/o/acme/audit")
    table = page.locator("main table.data-table")
    expect(table).to_contain_text("Olivia Owner")
    expect(table.locator("th[aria-sort='descending']")).to_have_text("When▼")
    browser_page.screenshots_at_both_widths("kit-audit-trail")

    page.get_by_label("From (UTC)", exact=True).fill("2026-02-01")
    page.get_by_label("To (UTC)", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".error-summary")).to_contain_text("The end date is before the start date.")
    expect(page.locator("[data-field='date_to'] .field-error")).to_be_visible()
    expect(page.get_by_label("From (UTC)", exact=True)).to_have_value("2026-02-01")
    browser_page.screenshots_at_both_widths("kit-audit-filter-problems")


def test_notification_centre_and_email_choices_fit_both_widths(browser_page, make_user, make_org):
    person = make_user("nina@acme.example.org", name="Nina Newcomer")
    make_org("acme", owner=person, name="Acme Trials")
    sign_in(browser_page, person.email)
    page = browser_page.page
    browser_page.goto("/notifications")
    expect(page.locator("main .empty")).to_contain_text("No notifications yet")
    browser_page.screenshots_at_both_widths("kit-notifications-empty")
    page.get_by_role("link", name="Choose what comes by email").click()
    expect(page.get_by_role("group", name="Also send by email")).to_be_visible()
    browser_page.screenshots_at_both_widths("kit-email-choices")
