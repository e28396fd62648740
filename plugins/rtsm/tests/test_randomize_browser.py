"""Setting up, randomizing and simulating in a real browser, 1280 and 390 pixels wide: the owner
creates a study through the new-study form (the error summary first, every value kept), a site
coordinator randomizes a subject in it through the randomize screen (the error summary, then the
result), and the statistician previews the scheme's simulation with the kit's charts. Saves
rtsm-study-new-*, rtsm-study-new-errors-*, rtsm-study-*, rtsm-randomize-*, rtsm-randomize-errors-*,
rtsm-subject-*, rtsm-subjects-*, rtsm-simulation-*, rtsm-unblind-* and rtsm-unblinded-*.png under
tests/artifacts/. An investigator also breaks the blind of one subject: the reason, the kit's
signature dialog, then the arm.

The study is made in the browser, by the served app: the harness's apps are lent from a pool, and
two apps lent from different earlier tests hold different vault keys, so a scheme sealed by the
``sponsor`` fixture's app might not open in the served one.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sdk.testing.support import TEST_PASSWORD

pytestmark = pytest.mark.browser
BASE = "/o/acme-pharma/rtsm"


def create_study_in_the_form(person, owner):
    person.sign_in(owner.email)
    person.goto(f"{BASE}/studies/new")
    page = person.page
    person.screenshots_at_both_widths("rtsm-study-new")
    page.get_by_label("Arm 1 code").fill("T")
    page.get_by_label("Arm 1 name").fill("Inhaler 200 µg, a long arm name to see it wrap")
    page.get_by_label("Arm 1 ratio").fill("x")
    page.get_by_label("Sites").fill("S01 Charité Universitätsmedizin Berlin\nS02 Hospices Civils de Lyon")
    page.get_by_label("Block sizes").fill("2, 4")
    page.get_by_label("Factors").fill("sex: F, M")
    page.get_by_label("Strata").fill("site, sex")
    page.get_by_role("button", name="Create study").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter the study's name")
    expect(page.get_by_label("Arm 1 ratio")).to_have_value("x")
    expect(page.get_by_label("Sites")).to_have_value("S01 Charité Universitätsmedizin Berlin\nS02 Hospices Civils de Lyon")
    person.screenshots_at_both_widths("rtsm-study-new-errors")
    page.get_by_label("Study name").fill("Asthma 202")
    page.get_by_label("Arm 1 ratio").fill("1")
    page.get_by_label("Arm 2 code").fill("P")
    page.get_by_label("Arm 2 name").fill("Placebo")
    page.get_by_label("Arm 2 ratio").fill("1")
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("heading", name="Asthma 202")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()


def test_a_site_coordinator_randomizes_a_subject_through_the_screen(sponsor, browser_page):
    coordinator = sponsor.member("cora@acme-pharma.example.org", "Cora Coordinator", "site_staff")
    create_study_in_the_form(browser_page, sponsor.owner)
    browser_page.sign_in(coordinator.email)
    browser_page.goto(f"{BASE}/")
    page = browser_page.page
    page.get_by_role("link", name="Asthma 202").click()
    browser_page.screenshots_at_both_widths("rtsm-study")
    page.get_by_role("link", name="Randomize a subject").click()
    browser_page.screenshots_at_both_widths("rtsm-randomize")
    page.get_by_label("Subject number").fill("101-001")
    page.get_by_label("Site").select_option("S01")
    page.get_by_role("button", name="Randomize").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Sex is required")
    expect(summary).to_contain_text("Confirm that the subject meets every inclusion criterion")
    expect(page.get_by_label("Subject number")).to_have_value("101-001")
    browser_page.screenshots_at_both_widths("rtsm-randomize-errors")
    page.get_by_label("F", exact=True).check()
    page.get_by_label("The subject meets every inclusion criterion and no exclusion criterion").check()
    page.get_by_role("button", name="Randomize").click()
    expect(page.get_by_role("heading", name="Subject 101-001")).to_be_visible()
    expect(page.locator(".flash").first).to_contain_text("Subject 101-001 randomized: randomization number 1")
    expect(page.locator("[data-arm]")).to_have_count(0)
    browser_page.screenshots_at_both_widths("rtsm-subject")
    page.get_by_role("link", name="All randomized subjects").click()
    expect(page.get_by_role("row").filter(has_text="101-001")).to_contain_text("S01")
    browser_page.screenshots_at_both_widths("rtsm-subjects")
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_the_statistician_previews_the_simulation(sponsor, browser_page):
    statistician = sponsor.member("sam.stat@acme-pharma.example.org", "Sam Stat", "statistician")
    browser_page.sign_in(statistician.email)
    browser_page.goto(f"{BASE}/studies/{sponsor.study_id}")
    page = browser_page.page
    page.get_by_role("link", name="Randomization scheme").click()
    expect(page.get_by_label("Subjects per trial")).to_have_value("200")
    page.get_by_label("Subjects per trial").fill("120")
    page.get_by_label("Simulated trials").fill("30")
    page.get_by_role("button", name="Simulate").click()
    expect(page.locator("[data-simulated]")).to_contain_text("30 simulated trials of 120 subjects")
    expect(page.locator("img.chart-image")).to_have_count(4)
    browser_page.screenshots_at_both_widths("rtsm-simulation")
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_an_investigator_breaks_the_blind_of_one_subject_with_a_reason_and_a_signature(sponsor, browser_page):
    investigator = sponsor.member("ida@acme-pharma.example.org", "Ida Investigator", "investigator")
    create_study_in_the_form(browser_page, sponsor.owner)
    browser_page.sign_in(investigator.email)
    browser_page.goto(f"{BASE}/")
    page = browser_page.page
    page.get_by_role("link", name="Asthma 202").click()
    page.get_by_role("link", name="Randomize a subject").click()
    page.get_by_label("Subject number").fill("101-001")
    page.get_by_label("Site").select_option("S01")
    page.get_by_label("M", exact=True).check()
    page.get_by_label("The subject meets every inclusion criterion and no exclusion criterion").check()
    page.get_by_role("button", name="Randomize").click()
    page.get_by_role("link", name="Emergency unblinding").click()
    page.get_by_label("Reason").fill("Anaphylaxis after the second dose; the emergency physician needs the drug.")
    browser_page.screenshots_at_both_widths("rtsm-unblind")
    page.get_by_role("button", name="Request unblinding").click()
    expect(page.get_by_role("heading", name="Sign to reveal the treatment")).to_be_visible()
    expect(page.locator("[data-arm]")).to_have_count(0)
    page.get_by_role("button", name="Sign…").click()
    dialog = page.locator("dialog.sign-dialog")
    dialog.get_by_label("Your email").fill(investigator.email)
    dialog.get_by_label("Your password").fill(TEST_PASSWORD)
    dialog.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("[data-revealed]")).to_contain_text("This reveals one subject only.")
    expect(page.locator("strong[data-arm]")).to_have_text(re.compile(r"^(T Inhaler 200 µg.*|P Placebo)$"))
    browser_page.screenshots_at_both_widths("rtsm-unblinded")
    assert browser_page.errors == [] and browser_page.outside_requests == []
