"""The binder's pages in a real browser, 1280 and 390 pixels wide: the tree with its counts, the
QC queue, and a PDF's document page where a reviewer passes QC through the signature dialog;
each fits the window. Saves edocs-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edocs.models import Version
from plugins.edocs.services.demo_files import demo_pdf
from plugins.edocs.tests.conftest import PASSWORD
from plugins.edocs.tests.pages.helpers import move

pytestmark = pytest.mark.browser


@pytest.fixture
def binder(sponsor):
    """HF-301 with a protocol PDF in QC, an approved synopsis and a site CV as a draft."""
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    pdf = demo_pdf("Clinical study protocol HF-301", "A randomized, double-blind trial of cardiozol.")
    protocol = sponsor.file("02.01.02", pdf, filename="HF-301 protocol v2.pdf", document_date="2026-01-15",
                            tags="signed, final")
    move(sponsor, sponsor.owner, protocol, "qc")
    synopsis = sponsor.file("02.01.03", b"Synopsis\n", filename="synopsis.txt")
    move(sponsor, sponsor.owner, synopsis, "qc")
    move(sponsor, reviewer, synopsis, "approved", password=PASSWORD, email=reviewer.email)
    sponsor.file("05.02.04", b"CV\n", filename="CV Dr Weiss.txt", level="site", site="101")
    return reviewer, protocol


def test_tree_queue_and_approval_of_a_pdf(binder, sponsor, browser_page):
    reviewer, protocol = binder
    page, base = browser_page.page, "/o/acme-pharma/edocs"
    browser_page.sign_in(reviewer.email)
    browser_page.goto(f"{base}/studies/{sponsor.study_id}")
    expect(page.locator('[data-artifact="02.01.02"] .tree-counts')).to_contain_text("1 filed")
    expect(page.get_by_role("link", name="HF-301 protocol v2")).to_be_visible()
    browser_page.screenshots_at_both_widths("edocs-binder")

    page.get_by_role("link", name="QC queue").click()
    expect(page.get_by_role("link", name="HF-301 protocol v2")).to_be_visible()
    browser_page.screenshots_at_both_widths("edocs-qc-queue")

    page.get_by_role("link", name="HF-301 protocol v2").click()
    expect(page.get_by_role("link", name="Open the preview in a new tab")).to_be_visible()
    expect(page.locator("iframe.edocs-pdf")).to_be_visible()
    browser_page.screenshots_at_both_widths("edocs-document-in-qc")

    page.get_by_role("button", name="Pass QC and approve…").click()
    page.get_by_label("Your email").fill(reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("dialog form button[type=submit]").click()
    expect(page.get_by_text("Version 1 passed QC and approved.")).to_be_visible()
    expect(page.locator(".signature-block .signature-name strong").first).to_have_text("Quinn Reviewer")
    browser_page.screenshots_at_both_widths("edocs-document-approved")
    assert sponsor.run(lambda s: s.get(Version, protocol).status) == "approved"

    with page.context.expect_page() as preview:
        page.get_by_role("link", name="Open the preview in a new tab").click()
    opened = preview.value
    opened.wait_for_load_state()
    assert opened.url.endswith(f"/versions/{protocol}/file?inline=1")
    assert browser_page.errors == [] and browser_page.outside_requests == []
