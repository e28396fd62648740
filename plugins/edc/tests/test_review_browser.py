"""The review page and a subject's casebook in a real browser, 1280 and 390 pixels wide: the
casebook's values, marks and steps fit the window, the investigator's signature dialog opens,
signs as approved, unlocking asks for a reason, and the subject unlocked shows the signature
stale. Saves edc-review-*, edc-casebook-*, edc-casebook-dialog-*, edc-unlock-reason-* and
edc-casebook-stale-*.png under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edc.models import Study, StudySite
from plugins.edc.services import entry
from sdk.testing.browser import BrowserPage
from sdk.testing.support import TEST_PASSWORD

from .pages.helpers import EVENT, name

pytestmark = pytest.mark.browser

VITALS = {"visit_date": "2025-03-14", "weight": "70", "height": "175", "sbp": "120", "smoker": "2",
          "cig_per_day": "10"}


@pytest.fixture
def person(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in, with three subjects whose vitals are complete (``sponsor.subject_ids``)."""
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
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


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
