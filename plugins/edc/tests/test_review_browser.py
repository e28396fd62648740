"""The review page and a subject's casebook in a real browser, 1280 and 390 pixels wide: the
casebook's values, marks and steps fit the window, the investigator's signature dialog opens,
signs as approved, unlocking asks for a reason, and the subject unlocked shows the signature
stale. Saves edc-review-*, edc-casebook-*, edc-casebook-dialog-*, edc-unlock-reason-* and
edc-casebook-stale-*.png under tests/artifacts/.

The ``browser`` and ``live_server`` fixtures come from ``tests.browser_fixtures`` (loaded by the
whole suite); run alone, add ``-p tests.browser_fixtures``, or the test is skipped."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edc.models import Study, StudySite
from plugins.edc.services import entry
from sdk.testing.support import TEST_PASSWORD

from .pages.helpers import EVENT, name

pytestmark = pytest.mark.browser

VITALS = {"visit_date": "2025-03-14", "weight": "70", "height": "175", "sbp": "120", "smoker": "2",
          "cig_per_day": "10"}


def _fixture(request, fixture: str):
    try:
        return request.getfixturevalue(fixture)
    except pytest.FixtureLookupError:
        pytest.skip("the browser fixtures are not loaded: run with -p tests.browser_fixtures")


@pytest.fixture
def person(request):
    browser, live_server = _fixture(request, "browser"), _fixture(request, "live_server")
    sponsor = request.getfixturevalue("sponsor")
    from tests.browser_fixtures import BrowserPage

    def make(session):
        study = session.get(Study, sponsor.study_id)
        ids = []
        for key, site in (("101-001", "101"), ("101-002", "101"), ("102-001", "102")):
            subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key)
            entry.save_form(study, subject, EVENT, "F.vitals", {name(k): v for k, v in VITALS.items()},
                            complete=True)
            ids.append(subject.id)
        return ids
    sponsor.subject_ids = sponsor.run(make)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    person = BrowserPage(context.new_page(), live_server)
    person.goto("/login")
    person.page.get_by_label("Email").fill(sponsor.owner.email)
    person.page.get_by_label("Password").fill(TEST_PASSWORD)
    person.page.get_by_role("button", name="Sign in").click()
    yield person
    assert person.errors == [] and person.outside_requests == []
    context.close()


def test_review_page_and_casebook_signed_then_stale(person, sponsor):
    page = person.page
    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review")
    expect(page.get_by_role("link", name="101-002")).to_be_visible()
    person.screenshots_at_both_widths("edc-review")

    page.get_by_role("link", name="101-001").click()
    expect(page.get_by_role("heading", name="Casebook of subject 101-001")).to_be_visible()
    page.get_by_role("button", name="Verify source data").click()
    expect(page.get_by_text("Form F.vitals of subject 101-001: verified.")).to_be_visible()
    page.get_by_role("button", name="Lock subject").click()
    expect(page.get_by_text("Subject 101-001: locked.")).to_be_visible()
    person.screenshots_at_both_widths("edc-casebook")

    dialog = page.locator("dialog.sign-dialog")
    page.get_by_role("button", name="Sign…").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Meaning of this signature")).to_have_value("approved")
    dialog.get_by_label("Your email").fill(sponsor.owner.email)
    dialog.get_by_label("Your password").fill(TEST_PASSWORD)
    person.screenshots_at_both_widths("edc-casebook-dialog")
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Signed by Olivia Owner, meaning: Approved.")).to_be_visible()

    page.get_by_role("link", name="Unlock subject…").click()
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why you unlock it")
    person.screenshots_at_both_widths("edc-unlock-reason")
    page.get_by_label("Reason for change").fill("Late lab result to enter")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text("Subject 101-001: unlocked.")).to_be_visible()
    expect(page.locator(".signature-block")).to_contain_text("stale", ignore_case=True)
    person.screenshots_at_both_widths("edc-casebook-stale")
