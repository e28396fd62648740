"""Data entry in a real browser, 1280 and 390 pixels wide: the form drawn from the metadata,
live branching hiding and showing an item as the person answers, the calculated BMI filled in
as weight and height are typed, and the error summary after a bad value. Saves
edc-entry-form-*, edc-entry-branching-*, edc-entry-errors-*, edc-subject-* and edc-subjects-*.png
under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .pages.helpers import enroll, form_path

pytestmark = pytest.mark.browser


@pytest.fixture
def person(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in, with subject 101-001 enrolled (``person.subject_id``)."""
    browser_page.sign_in(sponsor.owner.email)
    browser_page.subject_id = enroll(sponsor)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_branching_hides_and_shows_an_item_as_the_person_answers(person):
    person.goto(form_path("acme-pharma", person.subject_id, "enrolment"))
    pregnant = person.page.locator('[data-slot="IG.enrolment__1__IT.pregnant"]')
    other = person.page.locator('[data-slot="IG.enrolment__1__IT.race_other"]')
    expect(pregnant).to_be_hidden()
    expect(other).to_be_hidden()
    person.screenshots_at_both_widths("edc-entry-form")
    person.page.get_by_label("Female").check()
    expect(pregnant).to_be_visible()
    person.page.get_by_label("Other", exact=True).check()
    expect(other).to_be_visible()
    person.screenshots_at_both_widths("edc-entry-branching")
    person.page.get_by_label("Male", exact=True).check()
    expect(pregnant).to_be_hidden()


def test_the_bmi_is_calculated_and_a_bad_value_gets_the_error_summary(person):
    person.goto(form_path("acme-pharma", person.subject_id, "vitals"))
    person.page.get_by_label("Weight (kg)", exact=True).fill("70")
    person.page.get_by_label("Height (cm)", exact=True).fill("175")
    expect(person.page.get_by_label("BMI (kg/m2)", exact=True)).to_have_value("22.9")
    cigarettes = person.page.locator('[data-slot="IG.vitals__1__IT.cig_per_day"]')
    expect(cigarettes).to_be_hidden()
    person.page.get_by_label("Smoking status", exact=True).select_option("2")
    expect(cigarettes).to_be_visible()
    person.page.get_by_label("Weight (kg)", exact=True).fill("heavy")
    person.page.get_by_role("button", name="Save", exact=True).click()
    summary = person.page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Weight")
    expect(person.page.get_by_label("Weight (kg)", exact=True)).to_have_value("heavy")
    person.screenshots_at_both_widths("edc-entry-errors")
    person.page.get_by_label("Weight (kg)", exact=True).fill("70")
    person.page.get_by_role("button", name="Save and mark complete").click()
    expect(person.page.locator(".badge[data-state]")).to_have_text("Complete")
    person.page.get_by_role("link", name="101-001").click()
    expect(person.page.get_by_role("heading", name="Event schedule")).to_be_visible()
    person.screenshots_at_both_widths("edc-subject")
    person.page.get_by_role("link", name="All subjects").click()
    expect(person.page.get_by_role("heading", name="Enroll a subject")).to_be_visible()
    person.screenshots_at_both_widths("edc-subjects")
