"""The exports page and the clinical data import in a real browser, 1280 and 390 pixels wide:
the import form refuses an empty upload beside the field, an ODM file uploads and the job page
shows it succeeded, and the exports page lists the ODM and CSV downloads. Saves edc-exports-*,
edc-import-errors-* and edc-import-job-*.png under tests/artifacts/.

The ``browser_page`` fixture comes with the harness's pytest plugin (sdk.testing.browser)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from plugins.edc.services import studies
from sdk.testing.browser import BrowserPage

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "odm" / "odm-data-snapshot.xml"


@pytest.fixture
def person(sponsor, browser_page: BrowserPage):
    """The sponsor's owner signed in, with an empty study to move a trial into (``sponsor.moved_id``)."""
    def make(session):
        study = studies.create_study({"name": "Virus 1001 (moved in)", "oid": "VIRUS1001"})
        studies.add_site(study, {"code": "ISSS", "name": "ISSS Lisbon"})
        return study.id
    sponsor.moved_id = sponsor.run(make)
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_import_a_trial_then_export_it(person, sponsor):
    page = person.page
    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.moved_id}/imports")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Choose an ODM file (XML) to import.").first).to_be_visible()
    person.screenshots_at_both_widths("edc-import-errors")

    page.get_by_label("ODM file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 2 new subjects and 165 values").first).to_be_visible()
    person.screenshots_at_both_widths("edc-import-job")

    person.goto(f"/o/acme-pharma/edc/studies/{sponsor.moved_id}/exports")
    expect(page.get_by_role("link", name="Snapshot")).to_be_visible()
    expect(page.get_by_role("link", name="Transactional")).to_be_visible()
    expect(page.get_by_role("link", name="Demographics")).to_be_visible()
    person.screenshots_at_both_widths("edc-exports")
