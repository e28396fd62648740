"""The query list, a query page answered and closed, and the data quality page in a real browser,
1280 and 390 pixels wide: each fits the window. Saves edc-queries-*, edc-query-* and
edc-quality-*.png under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edc.models import Study, StudySite
from plugins.edc.services import entry, queries
from sdk.testing.browser import BrowserPage

from .pages.helpers import EVENT, name

pytestmark = pytest.mark.browser


@pytest.fixture
def person(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in, with a query raised on each of three subjects (``sponsor.query_ids``)."""
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
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


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
