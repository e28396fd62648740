"""The upload page in a real browser: two files dropped on the drop zone are listed, then sent one
by one with a progress bar each; one is filed, the other (an executable named .pdf) is refused
with its reason. Saves edocs-upload-*.png under tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.edocs.models import Document

pytestmark = pytest.mark.browser

DROP_TWO_FILES = """() => {
  const dt = new DataTransfer();
  dt.items.add(new File(["Monitoring plan of HF-301\\n"], "monitoring_plan.txt", {type: "text/plain"}));
  dt.items.add(new File([new Uint8Array([77, 90, 144, 0, 3, 0, 0, 0, 4, 0, 0, 0, 255, 255, 0, 0])], "report.pdf",
                        {type: "application/pdf"}));
  return dt;
}"""


def test_drop_two_files_and_upload_them_with_progress(sponsor, browser_page):
    page = browser_page.page
    browser_page.sign_in(sponsor.owner.email)
    browser_page.goto(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/upload")
    page.get_by_label("Artifact").select_option("01.01.01")
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": page.evaluate_handle(DROP_TWO_FILES)})
    expect(page.locator(".upload-item")).to_have_count(2)
    expect(page.locator(".upload-item progress")).to_have_count(2)
    browser_page.screenshots_at_both_widths("edocs-upload-dropped")

    page.get_by_role("button", name="Upload").click()
    expect(page.locator('.upload-item[data-file="monitoring_plan.txt"] .upload-state a')).to_have_text(
        "filed: monitoring plan v1")
    expect(page.locator('.upload-item[data-file="report.pdf"] .upload-state')).to_contain_text("not filed:")
    browser_page.screenshots_at_both_widths("edocs-upload-done")
    assert sponsor.run(lambda s: [d.title for d in s.query(Document)]) == ["monitoring plan"]
    assert browser_page.errors == [] and browser_page.outside_requests == []
