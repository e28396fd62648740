"""The query list, a query page answered and closed, and the data quality page in a real browser,
1280 and 390 pixels wide: each fits the window. Saves edc-queries-*, edc-query-* and
edc-quality-*.png under tests/artifacts/.

The ``browser`` and ``live_server`` fixtures come from ``tests.browser_fixtures`` (loaded by the
whole suite); run alone, add ``-p tests.browser_fixtures``, or the test is skipped."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edc.models import Study, StudySite
from plugins.edc.services import entry, queries
from sdk.testing.support import TEST_PASSWORD

from .pages.helpers import EVENT, name

pytestmark = pytest.mark.browser


def _fixture(request, fixture: str):
    try:
        return request.getfixturevalue(fixture)
    except pytest.FixtureLookupError:
        pytest.skip("the browser fixtures are not loaded: run with -p tests.browser_fixtures")


@pytest.fixture
def person(request, sponsor):
    browser, live_server = _fixture(request, "browser"), _fixture(request, "live_server")
    from tests.browser_fixtures import BrowserPage

    def make(session):
        study = session.get(Study, sponsor.study_id)
        ids = []
        for n, (key, site) in enumerate((("101-001", "101"), ("101-002", "101"), ("102-001", "102"))):
            subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key)
            form = entry.save_form(study, subject, EVENT, "F.vitals", {
                name("weight"): str(70 + n), name("height"): "175", name("sbp"): "120", name("smoker"): "0"}).form
            ids.append(queries.raise_query(
                subject, "The weight differs from the source document: please check the scale log of this visit.",
                form=form, item_oid="IT.weight", check_rights=False).id)
        return ids
    sponsor.query_ids = sponsor.run(make)
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


def test_queries_list_query_page_and_data_quality(person, sponsor):
    page = person.page
    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/queries")
    expect(page.get_by_role("cell", name="101-002")).to_be_visible()
    person.screenshots_at_both_widths("edc-queries")

    page.get_by_role("link", name=str(sponsor.query_ids[0]), exact=True).click()
    expect(page.get_by_role("heading", name="Thread")).to_be_visible()
    page.get_by_label("Message").fill("Scale log checked: 70 kg is right.")
    page.get_by_role("button", name="Propose a resolution").click()
    expect(page.get_by_text("is Resolution Proposed")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text("is Closed")).to_be_visible()
    person.screenshots_at_both_widths("edc-query")

    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/quality")
    expect(page.get_by_role("heading", name="Raise queries for findings")).to_be_visible()
    person.screenshots_at_both_widths("edc-quality")
    page.get_by_label("B Blank values of required fields").check()
    page.get_by_role("button", name="Raise queries").click()
    expect(page.get_by_text("queries raised")).to_be_visible()
