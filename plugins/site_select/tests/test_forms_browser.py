"""site_select's forms and its site profile in a real browser, 1280 and 390 pixels wide: the rank
form posted with bad fields shows every problem (nothing is blocked in the browser), "Save weights
as preset" works with the trial fields empty, and the site profile fits the window. Saves
site-profile-*, rank-form-errors-* and history-form-errors-*.png under tests/artifacts/."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

from .seeds import seed_cardiology

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"
WIDTHS = ((1280, 800), (390, 844))
#: Elements whose right edge passes the window's, outside any frame that scrolls sideways
#: (a table may scroll inside its own frame): empty when the page fits.
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

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        sticking_out = self.page.evaluate(STICKING_OUT)
        assert not sticking_out, f"{name}: wider than the window: {sticking_out}"


def _both_widths(person: Person, name: str) -> None:
    for width, height in WIDTHS:
        person.page.set_viewport_size({"width": width, "height": height})
        person.screenshot(f"{name}-{width}.png")
    person.page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def person(world, browser, live_server):
    ids = world.run(world.acme, seed_cardiology)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    person = Person(context.new_page(), live_server)
    person.goto("/login")
    person.page.get_by_label("Email").fill(world.owner.email)
    person.page.get_by_label("Password").fill(TEST_PASSWORD)
    person.page.get_by_role("button", name="Sign in").click()
    person.ids = ids
    yield person
    assert person.errors == [] and person.outside_requests == []
    context.close()


def test_site_profile_fits_both_widths(person):
    person.goto(f"/o/acme/site_select/sites/{person.ids['Berlin Heart Center']}")
    expect(person.page.get_by_role("heading", name="Trials")).to_be_visible()
    _both_widths(person, "site-profile")
    person.page.set_viewport_size({"width": 390, "height": 844})
    person.page.locator(".table-frame:has(.data-table)").screenshot(path=str(ARTIFACTS / "site-profile-trials-390.png"))


def test_rank_form_shows_every_problem_and_saves_a_preset_alone(person):
    page = person.page
    person.goto("/o/acme/site_select/rank")
    page.get_by_label("Target enrollment (subjects)").fill("0")
    page.get_by_label("Center latitude").fill("95")
    page.get_by_label("Start (first site selected)").fill("")
    page.get_by_label("Exclude site ids").fill("Berlin")
    page.get_by_role("button", name="Rank sites").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("target enrollment must be positive")
    expect(summary).to_contain_text("center latitude must be at most 90")
    expect(summary).to_contain_text("excluded sites must be site ids")
    expect(page.locator("[data-field='center_lat'] .field-error")).to_contain_text("at most 90")
    expect(page.get_by_label("Center latitude")).to_have_value("95")
    _both_widths(person, "rank-form-errors")

    person.goto("/o/acme/site_select/rank")
    page.get_by_label("Save these weights as preset").fill("Enrollment first")
    page.get_by_role("button", name="Save weights as preset").click()
    expect(page.locator(".flash-success, [role=status]").first).to_contain_text("Enrollment first")


def test_history_form_errors_fit_both_widths(person):
    page = person.page
    person.goto(f"/o/acme/site_select/sites/{person.ids['Madrid Cardiac Unit']}/history/new")
    page.get_by_label("Screened").fill("10")
    page.get_by_label("Enrolled").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_contain_text("trial reference is required")
    expect(page.locator(".error-summary")).to_contain_text("enrolled cannot exceed screened")
    _both_widths(person, "history-form-errors")


def test_directory_filters_and_a_refused_shortlist_fit_both_widths(person):
    page = person.page
    person.goto("/o/acme/site_select/")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Country")).to_have_value("DE")
    expect(page.get_by_role("link", name="Lyon Heart Institute")).to_have_count(0)
    _both_widths(person, "site-directory-filtered")
    person.goto("/o/acme/site_select/rank")
    page.get_by_label("Target enrollment (subjects)").fill("60")
    page.get_by_role("button", name="Rank sites").click()
    page.get_by_role("button", name="Save shortlist").click()  # no name: refused by the server, not the browser
    expect(page.locator(".error-summary")).to_contain_text("a shortlist needs a name")
    expect(page.locator("[data-field='name'] .field-error")).to_contain_text("a shortlist needs a name")
    _both_widths(person, "results-shortlist-errors")
