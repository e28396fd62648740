"""The exports page and the clinical data import in a real browser, 1280 and 390 pixels wide:
the import form refuses an empty upload beside the field, an ODM file uploads and the job page
shows it succeeded, and the exports page lists the ODM and CSV downloads. Saves edc-exports-*,
edc-import-errors-* and edc-import-job-*.png under tests/artifacts/.

The ``browser`` and ``live_server`` fixtures come from ``tests.browser_fixtures`` (loaded by the
whole suite); run alone, add ``-p tests.browser_fixtures``, or the test is skipped."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from plugins.edc.services import studies
from sdk.testing.support import TEST_PASSWORD

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "odm" / "odm-data-snapshot.xml"


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
        study = studies.create_study({"name": "Virus 1001 (moved in)", "oid": "VIRUS1001"})
        studies.add_site(study, {"code": "ISSS", "name": "ISSS Lisbon"})
        return study.id
    sponsor.moved_id = sponsor.run(make)
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
