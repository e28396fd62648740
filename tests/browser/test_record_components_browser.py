"""The record components in a real browser, on site_select's shortlist page: the sign dialog
opens, refuses a wrong password with its message, signs as approved, and the history lists who did
what. Saves record-history-*.png, signature-dialog-*.png and signature-block-*.png (the component,
and ``-page`` the whole page) at 1280 and 390 pixels wide under tests/artifacts/."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from plugins.site_select.tests.seeds import RANK_SPEC, seed_cardiology
from sdk import org_scope, tool
from sdk.testing import post_with_token
from sdk.testing.browser import ARTIFACTS, BrowserPage
from sdk.testing.support import TEST_PASSWORD
from sdk.tool import host_runs_tool

pytestmark = pytest.mark.browser

WIDER_THAN_WINDOW = """(selector) => [...document.querySelectorAll(selector + ', ' + selector + ' *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))"""


@pytest.fixture
def shortlist(app, make_user, make_org, grant_license, login_as):
    """acme's owner, with site_select, four sites and a shortlist of two; returns (owner, id)."""
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    acme = make_org("acme", owner=owner)
    grant_license(acme, "site_select", enable=True)
    with app.test_request_context(), org_scope(acme.id), host_runs_tool("site_select"):
        ids = seed_cardiology()
        tool().db_session().commit()
    r = post_with_token(login_as(owner), "/o/acme/site_select/shortlists", {
        "spec_json": json.dumps({**RANK_SPEC, "title": "Heart failure phase 3"}), "name": "HF-3 Europe",
        "trial_ref": "HF-301", "site_ids": [str(ids["Berlin Heart Center"]), str(ids["Lyon Heart Institute"])]},
        token_from="/o/acme/site_select/shortlists")
    assert r.status_code == 302, r.get_data(as_text=True)
    return owner, int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _fits(person: BrowserPage, selector: str) -> None:
    """The component, and everything in it, fits the window's width."""
    wider = person.page.evaluate(WIDER_THAN_WINDOW, selector)
    assert wider == [], f"wider than the window: {wider}"


def _shots(person: BrowserPage, name: str, selector: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        person.page.set_viewport_size({"width": width, "height": height})
        _fits(person, selector)
        person.screenshot(f"{name}-{width}-page.png")
        person.page.locator(selector).screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
    person.page.set_viewport_size({"width": 1280, "height": 800})


def test_shortlist_is_signed_as_approved_in_the_dialog(shortlist, browser, live_server):
    owner, shortlist_id = shortlist
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    person = BrowserPage(context.new_page(), live_server)
    page = person.page
    person.goto("/login")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    person.goto(f"/o/acme/site_select/shortlists/{shortlist_id}")

    dialog = page.locator("dialog.sign-dialog")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Sign…").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Meaning of this signature")).to_have_value("approved")
    dialog.get_by_label("Your email").fill(owner.email)
    dialog.get_by_label("Your password").fill("not the password")
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(dialog).to_be_visible()  # opened again, with the reason
    expect(dialog.get_by_role("alert")).to_contain_text("Signature refused")
    _shots(person, "signature-dialog-refused", "dialog.sign-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Sign…").click()
    dialog.get_by_label("Your email").fill(owner.email)
    _shots(person, "signature-dialog", "dialog.sign-dialog")
    dialog.get_by_label("Your password").fill(TEST_PASSWORD)
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("meaning: Approved")
    block = page.locator(".signature-block")
    expect(block).to_contain_text("Approved")
    expect(block).to_contain_text("Olivia Owner")
    history = page.locator(".record-history")
    expect(history).to_contain_text("Signed")
    expect(history).to_contain_text("Shortlist name")
    expect(history).to_contain_text("Olivia Owner")
    _shots(person, "record-history", ".record-history")
    _shots(person, "signature-block", ".signature-block")
    assert person.errors == [] and person.outside_requests == []
    context.close()
