"""A new customer's first visit, in a real browser: sign up, find a tool, try it, switch it off
and on, use it, and buy it. A screenshot of each page is saved under tests/artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

pytestmark = pytest.mark.browser


def sign_up(browser_page):
    page = browser_page.page
    browser_page.goto("/signup")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@northwind.example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Organization name").fill("Northwind Trials")
    page.get_by_label("Organization type").select_option("cro")
    browser_page.screenshot("01-signup.png")
    page.get_by_role("button", name="Create account").click()

    expect(page.locator(".flash")).to_contain_text("Welcome to Trial Office. Northwind Trials is ready.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Trials")
    expect(page.locator(".account")).to_contain_text("Grace Hopper")
    expect(page.locator("nav.sidebar")).to_contain_text("My tools")
    expect(page.locator("nav.sidebar a[data-tool]")).to_have_count(0)
    browser_page.screenshot("02-organization-home.png")


def find_the_tool(browser_page):
    page = browser_page.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Marketplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketplace")
    card = page.locator(".card[data-tool='testtool']")
    expect(card).to_contain_text("Records and notes for exercising the host.")
    expect(card).to_contain_text("per month")
    expect(card).to_contain_text("14-day free trial")
    browser_page.screenshot("03-marketplace.png")

    card.get_by_role("link", name="Test Tool").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Tool")
    expect(page.get_by_role("heading", name="Plans and prices")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Trial Office QA")
    expect(page.locator("main")).to_contain_text("Create and change records")
    browser_page.screenshot("04-tool-page.png")


def start_trial(browser_page):
    page = browser_page.page
    page.get_by_role("button", name=re.compile(r"Start .*free trial for Northwind Trials")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tools")
    expect(page.locator(".flash")).to_contain_text("Your free trial of Test Tool has started")
    row = page.locator("tr[data-tool='testtool']")
    expect(row.locator(".badge-trialing")).to_be_visible()
    expect(row.locator(".badge-enabled")).to_have_text("Enabled")
    expect(page.locator("nav.sidebar a[data-tool='testtool']")).to_have_text("Test records")
    browser_page.screenshot("05-trial-started.png")


def switch_off_and_on(browser_page):
    page = browser_page.page
    row = page.locator("tr[data-tool='testtool']")
    row.get_by_role("button", name="Disable").click()
    expect(page.locator(".flash")).to_contain_text("Test Tool")
    expect(page.locator(".flash")).to_contain_text("disabled")
    expect(row.locator(".badge-disabled")).to_have_text("Disabled")
    expect(page.locator("nav.sidebar a[data-tool='testtool']")).to_have_count(0)
    browser_page.screenshot("06-tool-disabled.png")

    row.get_by_role("button", name="Enable").click()
    expect(page.locator(".flash")).to_contain_text("Test Tool is now enabled for this organization.")
    expect(row.locator(".badge-enabled")).to_have_text("Enabled")
    expect(row.locator(".badge-trialing")).to_be_visible()
    browser_page.screenshot("07-tool-enabled.png")


def use_the_tool(browser_page):
    page = browser_page.page
    nav_link = page.locator("nav.sidebar a[data-tool='testtool']")
    expect(nav_link).to_have_text("Test records")
    nav_link.click()
    expect(page).to_have_url(re.compile(r"/o/[a-z0-9-]+/testtool/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Test records")
    expect(page.locator("main")).to_contain_text("Hello")
    expect(page.locator("header.topbar")).to_contain_text("Marketplace")
    expect(page.locator("nav.sidebar")).to_contain_text("Northwind Trials")
    browser_page.screenshot("08-tool-open.png")

    page.locator("nav.sidebar").get_by_role("link", name="Home").click()
    widget = page.locator(".widget[data-tool='testtool']")
    expect(widget).to_contain_text("records in Northwind Trials")
    browser_page.screenshot("09-organization-home-with-widget.png")


def read_the_audit_trail(browser_page):
    """The owner sees the trial and the switch changes in the organization's audit trail."""
    page = browser_page.page
    page.locator("nav.sidebar").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    table = page.locator("main table.data-table")
    expect(table).to_contain_text("free trial started")
    expect(table).to_contain_text("Tool switch")  # the record type by its label, not its code
    expect(table).to_contain_text("UTC")
    browser_page.screenshot("10-audit-trail.png")


def buy_the_tool(browser_page):
    """The owner buys the per-seat plan by the year: sees what will be charged, confirms, and finds
    the open invoice on the billing page (manual billing, the embedded default)."""
    page = browser_page.page
    browser_page.goto("/marketplace/testtool")
    form = page.locator("form[data-buy='team']")
    form.get_by_label(re.compile("Annual")).check()
    form.get_by_label(re.compile("Seats")).fill("4")
    form.get_by_role("button", name=re.compile("Buy Team")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Test Tool")
    expect(page.locator("main")).to_contain_text("USD 60.00")
    browser_page.screenshot("11-purchase-confirmation.png")
    page.get_by_role("button", name="Confirm purchase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    expect(page.locator(".flash-success")).to_contain_text("is open")
    expect(page.locator("main")).to_contain_text("USD 60.00")
    browser_page.screenshot("12-billing-invoice-open.png")


def test_sign_up_try_a_tool_switch_it_and_use_it(browser_page):
    sign_up(browser_page)
    find_the_tool(browser_page)
    start_trial(browser_page)
    switch_off_and_on(browser_page)
    use_the_tool(browser_page)
    read_the_audit_trail(browser_page)
    buy_the_tool(browser_page)

    assert browser_page.outside_requests == [], "pages must load nothing from outside the app"
    assert browser_page.errors == []
