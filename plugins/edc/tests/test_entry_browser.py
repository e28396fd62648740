"""Data entry in a real browser, 1280 and 390 pixels wide: the form drawn from the metadata,
live branching hiding and showing an item as the person answers, the calculated BMI filled in
as weight and height are typed, and the error summary after a bad value. Saves
edc-entry-form-*, edc-entry-branching-* and edc-entry-errors-*.png under tests/artifacts/.

Needs the suite's browser fixtures (``browser``, ``live_server``): run with the whole suite or
with ``-p tests.browser_fixtures``."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

from .pages.helpers import enroll, form_path

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"
WIDTHS = ((1280, 800), (390, 844))
STICKING_OUT = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return [];
  return [...document.body.querySelectorAll("*")].filter(el => {
    if (el.getBoundingClientRect().right <= limit + 1) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return false;
    }
    return true;
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
}"""


class Person:
    """A signed-in browser page that notes page errors and requests to other hosts."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.errors, self.outside_requests = page, base_url, [], []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: None if request.url.startswith((base_url, "data:"))
                else self.outside_requests.append(request.url))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def both_widths(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            sticking_out = self.page.evaluate(STICKING_OUT)
            assert not sticking_out, f"{name}-{width}: wider than the window: {sticking_out}"
        self.page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def person(sponsor, browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    person = Person(context.new_page(), live_server)
    person.goto("/login")
    person.page.get_by_label("Email").fill(sponsor.owner.email)
    person.page.get_by_label("Password").fill(TEST_PASSWORD)
    person.page.get_by_role("button", name="Sign in").click()
    person.subject_id = enroll(sponsor)
    yield person
    assert person.errors == [] and person.outside_requests == []
    context.close()


def test_branching_hides_and_shows_an_item_as_the_person_answers(person):
    person.goto(form_path("acme-pharma", person.subject_id, "enrolment"))
    pregnant = person.page.locator('[data-slot="IG.enrolment__1__IT.pregnant"]')
    other = person.page.locator('[data-slot="IG.enrolment__1__IT.race_other"]')
    expect(pregnant).to_be_hidden()
    expect(other).to_be_hidden()
    person.both_widths("edc-entry-form")
    person.page.get_by_label("Female").check()
    expect(pregnant).to_be_visible()
    person.page.get_by_label("Other", exact=True).check()
    expect(other).to_be_visible()
    person.both_widths("edc-entry-branching")
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
    person.both_widths("edc-entry-errors")
    person.page.get_by_label("Weight (kg)", exact=True).fill("70")
    person.page.get_by_role("button", name="Save and mark complete").click()
    expect(person.page.locator(".badge[data-state]")).to_have_text("Complete")
    person.page.get_by_role("link", name="101-001").click()
    expect(person.page.get_by_role("heading", name="Event schedule")).to_be_visible()
    person.both_widths("edc-subject")
    person.page.get_by_role("link", name="All subjects").click()
    expect(person.page.get_by_role("heading", name="Enroll a subject")).to_be_visible()
    person.both_widths("edc-subjects")
