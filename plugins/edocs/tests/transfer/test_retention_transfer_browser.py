"""The retention page, a document's retention panel and the exchange page in a real browser, 1280
and 390 pixels wide: a legal hold placed, a deletion refused with its date; each page fits the
window. Saves edocs-retention-*.png and edocs-exchange-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edocs.models import Version
from sdk.testing.browser import BrowserPage

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(sponsor, browser_page: BrowserPage):
    browser_page.sign_in(sponsor.owner.email)
    yield browser_page
    assert browser_page.errors == [] and browser_page.outside_requests == []


def test_retention_page_hold_and_refused_deletion(manager, sponsor):
    version_id = sponsor.file(title="Protocol HF-301 with a rather long title to see how it wraps")
    document_id = sponsor.run(lambda s: s.get(Version, version_id).document_id)
    page = manager.page
    manager.goto(f"/o/acme-pharma/edocs/documents/{document_id}")
    page.get_by_label("Reason", exact=True).fill("Litigation hold 2026-17")
    page.get_by_role("button", name="Place a legal hold").click()
    expect(page.get_by_text("The document is under legal hold.")).to_be_visible()
    page.get_by_label("Reason for deletion").fill("Duplicate")
    page.get_by_role("button", name="Delete the document").click()
    expect(page.locator(".flash-error")).to_contain_text("It is under legal hold (Litigation hold 2026-17)")
    page.locator("#retention").scroll_into_view_if_needed()
    manager.screenshots_at_both_widths("edocs-retention-document")

    manager.goto(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/retention")
    expect(page.get_by_role("heading", name="Documents under legal hold")).to_be_visible()
    expect(page.get_by_role("cell", name="Litigation hold 2026-17")).to_be_visible()
    manager.screenshots_at_both_widths("edocs-retention-page")


def test_exchange_page(manager, sponsor):
    sponsor.file()
    manager.goto(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/exchange")
    expect(manager.page.get_by_role("link", name="Download the exchange zip")).to_be_visible()
    expect(manager.page.get_by_role("button", name="Import")).to_be_visible()
    manager.screenshots_at_both_widths("edocs-exchange")
