"""site_select's forms and its site profile in a real browser, 1280 and 390 pixels wide: the rank
form posted with bad fields shows every problem (nothing is blocked in the browser), "Save weights
as preset" works with the trial fields empty, and the site profile fits the window. Saves
site-profile-*, site-profile-trials-390.png, rank-form-errors-*, history-form-errors-*,
site-directory-filtered-* and results-shortlist-errors-*.png under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import ARTIFACTS, BrowserPage

from .pages import shown
from .seeds import seed_cardiology

pytestmark = pytest.mark.browser


@pytest.fixture
def person(world, browser_page: BrowserPage):
    """acme's owner signed in, with the cardiology sites seeded (``person.ids``: site ids by name)."""
    ids = world.run(world.acme, seed_cardiology)
    browser_page.sign_in(world.owner.email)
    browser_page.ids = ids
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_site_profile_fits_both_widths(person):
    person.goto(f"/o/acme/site_select/sites/{person.ids['Berlin Heart Center']}")
    expect(person.page.get_by_role("heading", name="Trials")).to_be_visible()
    person.screenshots_at_both_widths("site-profile")
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
    for field_id, message in (("target_enrollment", "target enrollment must be positive"),
                              ("center_lat", "center latitude must be at most 90"),
                              ("exclude_site_ids", "excluded sites must be site ids, not Berlin")):
        link = summary.get_by_role("link", name=shown(message), exact=True)
        expect(link).to_have_attribute("href", f"#{field_id}")
    expect(page.locator("[data-field='center_lat'] .field-error")).to_have_text(
        shown("center latitude must be at most 90"))
    expect(page.get_by_label("Center latitude")).to_have_value("95")
    person.screenshots_at_both_widths("rank-form-errors")

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
    summary = page.locator(".error-summary")
    for field_id, message in (("trial_ref", "trial reference is required"),
                              ("enrolled", "enrolled cannot exceed screened")):
        link = summary.get_by_role("link", name=shown(message), exact=True)
        expect(link).to_have_attribute("href", f"#{field_id}")
    person.screenshots_at_both_widths("history-form-errors")


def test_directory_filters_and_a_refused_shortlist_fit_both_widths(person):
    page = person.page
    person.goto("/o/acme/site_select/")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Country")).to_have_value("DE")
    expect(page.get_by_role("link", name="Lyon Heart Institute")).to_have_count(0)
    person.screenshots_at_both_widths("site-directory-filtered")
    person.goto("/o/acme/site_select/rank")
    page.get_by_label("Target enrollment (subjects)").fill("60")
    page.get_by_role("button", name="Rank sites").click()
    page.get_by_role("button", name="Save shortlist").click()  # no name: refused by the server, not the browser
    expect(page.locator(".error-summary").get_by_role("link", name=shown("a shortlist needs a name"), exact=True)
           ).to_have_attribute("href", "#name")
    expect(page.locator("[data-field='name'] .field-error")).to_have_text(shown("a shortlist needs a name"))
    person.screenshots_at_both_widths("results-shortlist-errors")
