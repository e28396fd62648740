"""The upload page: several files at once without JavaScript (each filed on its own, the outcome
listed per file), one file at a time as the page's script sends it (JSON), a file whose content is
not an allowed type refused with the message, a site organization filing at its own site only."""
from __future__ import annotations

import io
import re

from plugins.edocs.models import Document
from sdk.testing import csrf_token, submit_form

BASE = "/o/acme-pharma/edocs"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def text(response) -> str:
    return response.get_data(as_text=True)


def upload_page(sponsor, org="acme-pharma") -> str:
    return f"/o/{org}/edocs/studies/{sponsor.study_id}/upload"


def titles(sponsor) -> list[str]:
    return sponsor.run(lambda s: sorted(d.title for d in s.query(Document)))


def test_the_page_offers_the_artifacts_by_zone_and_the_sites(sponsor):
    body = text(sponsor.client.get(upload_page(sponsor)))
    assert re.search(r'<optgroup label="05 Site Management">.*?<option value="05.02.04">', body, re.S)
    assert '<option value="101">101 Lakeside Clinic</option>' in body
    assert 'type="file"' in body and "multiple" in body and "upload.js" in body


def test_several_files_at_once_without_javascript(sponsor):
    files = [(io.BytesIO(b"Monitoring plan\n"), "monitoring_plan.txt"), (io.BytesIO(PNG), "org-chart.png")]
    done = submit_form(sponsor.client, upload_page(sponsor),
                       {"files": files, "artifact": "01.01.01", "document_date": "2026-02-01", "language": "en"})
    assert done.status_code == 200
    body = text(done)
    assert "Filed 2 of 2 files" in body and 'data-file="monitoring_plan.txt"' in body and 'data-file="org-chart.png"' in body
    assert titles(sponsor) == ["monitoring plan", "org-chart"]


def test_a_file_whose_content_is_not_allowed_is_refused_and_the_others_are_filed(sponsor):
    files = [(io.BytesIO(EXECUTABLE), "report.pdf"), (io.BytesIO(b"Plain notes\n"), "notes.txt")]
    refused = submit_form(sponsor.client, upload_page(sponsor), {"files": files, "artifact": "01.01.01"})
    assert refused.status_code == 422
    body = text(refused)
    assert "Filed 1 of 2 files" in body
    failed = re.search(r'<li data-file="report.pdf" class="upload-failed">(.*?)</li>', body, re.S).group(1)
    assert "was not filed" in failed and "is of type application/x-msdownload" in failed
    assert titles(sponsor) == ["notes"]


def test_no_file_and_a_wrong_artifact_are_refused_beside_their_fields(sponsor):
    refused = submit_form(sponsor.client, upload_page(sponsor), {"artifact": "01.01.01"})
    assert refused.status_code == 422 and "Choose one or more files" in text(refused)
    wrong = submit_form(sponsor.client, upload_page(sponsor),
                        {"files": [(io.BytesIO(b"x\n"), "x.txt")], "artifact": "99.99.99"})
    assert "not an artifact of the TMF Reference Model" in text(wrong) and titles(sponsor) == []


def test_one_file_as_the_script_sends_it_answers_json(sponsor):
    url = upload_page(sponsor) + "/file"
    token = csrf_token(sponsor.client, upload_page(sponsor))
    made = sponsor.client.post(url, data={"file": (io.BytesIO(b"CV of Dr Weiss\n"), "cv_weiss.txt"), "artifact": "05.02.04",
                                          "level": "site", "site": "101"}, headers={"X-CSRFToken": token})
    assert made.status_code == 201
    body = made.get_json()
    assert body["version"] == 1 and body["status"] == "draft" and body["url"] == f"{BASE}/documents/{body['document_id']}"
    refused = sponsor.client.post(url, data={"file": (io.BytesIO(EXECUTABLE), "cv.pdf"), "artifact": "05.02.04",
                                             "level": "site", "site": "101"}, headers={"X-CSRFToken": token})
    assert refused.status_code == 422 and refused.get_json()["fields"]["file"]
    without_token = sponsor.client.post(url, data={"file": (io.BytesIO(b"y\n"), "y.txt"), "artifact": "05.02.04"})
    assert without_token.status_code == 400
    assert titles(sponsor) == ["cv weiss"]


def test_a_site_organization_is_offered_its_own_site_and_refused_at_trial_level(sponsor):
    org, owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    client = sponsor.login_as(owner)
    page = upload_page(sponsor, "lakeside")
    body = text(client.get(page))
    assert re.search(r'<option selected value="101">', body) and 'value="102"' not in body
    trial = submit_form(client, page, {"files": [(io.BytesIO(b"Protocol\n"), "protocol.txt")], "artifact": "02.01.01"})
    assert "You may not file documents here at trial level." in text(trial)
    assert titles(sponsor) == []


def test_a_site_organization_files_at_its_own_site(sponsor):
    """Issue item 8: "a site files and sees its own site-level documents"."""
    org, owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    client = sponsor.login_as(owner)
    done = submit_form(client, upload_page(sponsor, "lakeside"),
                       {"files": [(io.BytesIO(b"Delegation log\n"), "delegation.txt")],
                        "artifact": "05.02.04", "level": "site", "site": "101"})
    assert "Filed 1 of 1 files" in text(done)
    assert titles(sponsor) == ["delegation"]
    assert ">delegation</a>" in text(client.get(f"/o/lakeside/edocs/studies/{sponsor.study_id}"))


def test_the_file_it_link_of_a_missing_document_fills_the_filing_fields(sponsor):
    page = sponsor.client.get(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/upload?artifact=05.02.04&level=site&site=102")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option selected value="05.02.04">' in body or 'value="05.02.04" selected' in body
    assert 'value="102" selected' in body or '<option selected value="102">' in body
