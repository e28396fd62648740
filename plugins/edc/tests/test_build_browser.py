"""The study build in a real browser, 1280 and 390 pixels wide: the study hub (versions, sites,
sharing, history), the definition browser, and a refused import listing every problem. Saves
edc-study-*, edc-definition-*, edc-import-refused-* and edc-studies-*.png under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdk.testing.browser import BrowserPage

from .pages.build_world import BAD_FIRST_FIELD

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in_sponsor(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in, with the study shared with a CRO (so the sharing table shows)."""
    def share(session):
        from plugins.edc.models import Study
        from plugins.edc.services import studies

        studies.share_study(session.get(Study, sponsor.study_id), with_org="north-cro", roles=["monitor"])
    sponsor.run(share)
    browser_page.sign_in(sponsor.owner.email)
    browser_page.page.wait_for_url("**/o/**")
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


@pytest.fixture
def north_cro(make_user, make_org):
    return make_org("north-cro", type="cro", owner=make_user("owner@north-cro.example.org"))


def test_the_study_hub_and_the_definition_browser_fit_both_widths(north_cro, signed_in_sponsor, sponsor, tmp_path):
    person = signed_in_sponsor
    page = person.page
    person.goto("/o/acme-pharma/edc/")
    expect(page.get_by_role("link", name="Heart failure 301")).to_be_visible()
    person.screenshots_at_both_widths("edc-studies")

    page.get_by_role("link", name="Heart failure 301").click()
    expect(page.get_by_role("heading", name="Definition versions")).to_be_visible()
    expect(page.locator("tr[data-grant='north-cro']")).to_contain_text("Monitor")
    expect(page.locator("tr[data-site='101']")).to_contain_text("Charité Berlin")
    person.screenshots_at_both_widths("edc-study")

    page.get_by_role("link", name="Version 1").first.click()
    expect(page.locator("[data-event='SE.event_1'] h2")).to_contain_text("event_1")
    expect(page.locator("[data-item='IT.bmi']")).to_contain_text("round([weight]*10000/([height]*[height]),1)")
    page.locator("details[data-form='F.vitals'] > summary").click()
    expect(page.locator("[data-item='IT.cig_per_day']")).to_contain_text("[smoker] = '2'")
    person.screenshots_at_both_widths("edc-definition")

    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/definitions/new")
    bad = tmp_path / "bad-dictionary.csv"
    bad.write_bytes(BAD_FIRST_FIELD)
    page.get_by_label("Definition file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 1 (study_id): the first field must be the record ID")
    person.screenshots_at_both_widths("edc-import-refused")
