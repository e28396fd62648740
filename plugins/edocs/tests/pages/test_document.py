"""The document page: metadata and version history, sending to QC, passing QC through the kit's
signature dialog (posting to edocs' own route), rejecting with a reason, a new version, the
download and the PDF preview; other organizations' and other sites' documents are not there."""
from __future__ import annotations

import io
import re

from plugins.edocs.models import Version
from plugins.edocs.tests.conftest import PASSWORD
from plugins.edocs.tests.pages.helpers import move
from sdk.testing import csrf_token, submit_form

BASE = "/o/acme-pharma/edocs"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def text(response) -> str:
    return response.get_data(as_text=True)


def document_of(sponsor, version_id) -> int:
    return sponsor.run(lambda s: s.get(Version, version_id).document_id)


def page_of(sponsor, version_id) -> str:
    return f"{BASE}/documents/{document_of(sponsor, version_id)}"


def approve_url(version_id) -> str:
    return f"{BASE}/versions/{version_id}/transitions/approved"


def in_qc(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    version = sponsor.file(document_date="2026-01-15", language="de", tags="signed, final")
    move(sponsor, sponsor.owner, version, "qc")
    return reviewer, version


def test_the_page_shows_the_filing_and_the_version_history(sponsor):
    version = sponsor.file(document_date="2026-01-15", language="de", tags="signed, final", version_label="A")
    body = text(sponsor.client.get(page_of(sponsor, version)))
    assert "02.01.01" in body and "2026-01-15" in body and "<dd>de</dd>" in body
    assert '<span class="badge">signed</span>' in body and "olivia@acme-pharma.example.org" in body
    row = re.search(r'<tr data-version="1">(.*?)</tr>', body, re.S).group(1)
    assert "protocol.txt" in row and "<td>A</td>" in row and 'data-status="draft"' in row and "olivia@acme-pharma.example.org" in row
    assert "History of the document" in body and "History of version 1" in body


def test_send_to_qc_from_the_page(sponsor):
    version = sponsor.file()
    page = page_of(sponsor, version)
    done = submit_form(sponsor.client, page, {}, action=f"{BASE}/versions/{version}/transitions/qc", follow_redirects=True)
    assert done.status_code == 200 and "Version 1 sent to QC." in text(done)
    assert sponsor.run(lambda s: s.get(Version, version).status) == "qc"


def test_the_uploader_is_not_offered_the_approval_of_their_own_version(sponsor):
    _, version = in_qc(sponsor)
    body = text(sponsor.client.get(page_of(sponsor, version)))
    assert "Pass QC and approve" not in body and "you uploaded it" in body


def test_approval_through_the_signature_dialog_shows_name_utc_time_and_meaning(sponsor, login_as):
    reviewer, version = in_qc(sponsor)
    client = login_as(reviewer)
    page = page_of(sponsor, version)
    assert "Pass QC and approve…" in text(client.get(page))
    refused = submit_form(client, page, {"meaning": "approved", "email": reviewer.email, "password": "wrong"},
                          action=approve_url(version), follow_redirects=True)
    assert "Signature refused" in text(refused)
    assert sponsor.run(lambda s: s.get(Version, version).status) == "qc"
    done = submit_form(client, page, {"meaning": "approved", "email": reviewer.email, "password": PASSWORD},
                       action=approve_url(version), follow_redirects=True)
    body = text(done)
    assert "Version 1 passed QC and approved." in body
    approved_at = sponsor.run(lambda s: s.get(Version, version).approved_at)
    block = re.search(r'<section class="signature-block".*?</section>', body, re.S).group(0)
    assert '<span class="signature-meaning">Approved</span>' in block and "<strong>Quinn Reviewer</strong>" in block
    assert approved_at.strftime("%Y-%m-%d %H:%M") in block and "UTC" in body
    assert 'data-status="approved"' in re.search(r'<tr data-version="1">(.*?)</tr>', body, re.S).group(1)


def test_a_rejection_without_a_reason_is_refused_beside_the_field(sponsor, login_as):
    reviewer, version = in_qc(sponsor)
    client = login_as(reviewer)
    page = page_of(sponsor, version)
    action = f"{BASE}/versions/{version}/transitions/rejected"
    refused = submit_form(client, page, {"reason": "  "}, action=action)
    assert refused.status_code == 422
    assert re.search(r'class="field-error" id="reason-error">A QC rejection needs a reason', text(refused))
    assert sponsor.run(lambda s: s.get(Version, version).status) == "qc"
    done = submit_form(client, page, {"reason": "Signature page missing"}, action=action, follow_redirects=True)
    assert "Version 1 rejected." in text(done) and "Signature page missing" in text(done)


def test_draft_straight_to_effective_is_refused_with_its_reason_and_changes_nothing(sponsor):
    version = sponsor.file()
    page = page_of(sponsor, version)
    body = text(sponsor.client.get(page))
    assert "Make effective" not in body
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    refused = sponsor.client.post(f"{BASE}/versions/{version}/transitions/effective", data={"csrf_token": token},
                                  follow_redirects=True)
    assert "A version in Draft cannot go to Effective" in text(refused)
    assert sponsor.run(lambda s: s.get(Version, version).status) == "draft"


def test_a_new_version_is_filed_and_identical_bytes_are_refused(sponsor):
    version = sponsor.file(data=b"protocol v1\n")
    page = page_of(sponsor, version)
    action = f"{BASE}/documents/{document_of(sponsor, version)}/versions"
    same = submit_form(sponsor.client, page, {"file": [(io.BytesIO(b"protocol v1\n"), "p.txt")]}, action=action)
    assert same.status_code == 409 and "identical to version 1" in text(same)
    done = submit_form(sponsor.client, page, {"file": [(io.BytesIO(b"protocol v2\n"), "p2.txt")], "version_label": "2.0"},
                       action=action, follow_redirects=True)
    body = text(done)
    assert "Version 2 filed as a draft." in body and '<tr data-version="2">' in body and "p2.txt" in body


def test_download_and_pdf_preview(sponsor):
    version = sponsor.file(data=PDF, filename="protocol.pdf")
    body = text(sponsor.client.get(page_of(sponsor, version)))
    assert f'<iframe class="edocs-pdf" src="{BASE}/versions/{version}/file?inline=1"' in body
    assert "Open the preview in a new tab" in body
    download = sponsor.client.get(f"{BASE}/versions/{version}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    preview = sponsor.client.get(f"{BASE}/versions/{version}/file?inline=1")
    assert preview.headers["Content-Disposition"].startswith("inline") and preview.mimetype == "application/pdf"
    # the document's page may frame the file; no other site may, and no other page of the app is framed
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    page = sponsor.client.get(page_of(sponsor, version))
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_other_organizations_documents_and_versions_are_not_there(sponsor, make_user, make_org, grant_license, login_as):
    version = sponsor.file()
    document = document_of(sponsor, version)
    stranger = make_user("sam@rival.example.org", name="Sam Rival")
    grant_license(make_org("rival", owner=stranger), "edocs", enable=True)
    client = login_as(stranger)
    assert client.get(f"/o/rival/edocs/documents/{document}").status_code == 404
    assert client.get(f"/o/rival/edocs/versions/{version}/file").status_code == 404
    assert client.get(f"{BASE}/documents/{document}").status_code == 404


def test_an_inspector_reads_the_page_but_may_not_move_a_version(sponsor, login_as):
    inspector = sponsor.member("ines@acme-pharma.example.org", "Ines Inspector", "inspector")
    version = sponsor.file()
    client = login_as(inspector)
    body = text(client.get(page_of(sponsor, version)))
    assert "protocol.txt" in body and "Send to QC" not in body and "File a new version" not in body
    assert client.post(f"{BASE}/versions/{version}/transitions/qc",
                       data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)}).status_code == 403
    assert sponsor.run(lambda s: s.get(Version, version).status) == "draft"


def test_changing_the_details_on_their_page(sponsor):
    version = sponsor.file()
    document = document_of(sponsor, version)
    page = f"{BASE}/documents/{document}/details"
    assert "Change the details" in text(sponsor.client.get(page_of(sponsor, version)))
    refused = submit_form(sponsor.client, page, {"title": "", "document_date": "yesterday", "language": "en",
                                                 "country": "", "tags": ""})
    assert refused.status_code == 422
    assert "A document needs a title." in text(refused) and "YYYY-MM-DD" in text(refused)
    saved = submit_form(sponsor.client, page, {"title": "Signed protocol", "document_date": "2026-11-02",
                                               "language": "de", "country": "", "tags": "signed, v1"})
    assert saved.status_code == 303
    body = text(sponsor.client.get(page_of(sponsor, version)))
    assert "Signed protocol" in body and "2026-11-02" in body and "signed" in body


def test_the_hosts_generic_sign_route_cannot_sign_a_version_without_approving_it(sponsor, login_as):
    reviewer, version = in_qc(sponsor)
    client = login_as(reviewer)
    token = csrf_token(client, page_of(sponsor, version))
    answer = client.post(f"/o/acme-pharma/records/edocs/version/{version}/sign",
                         data={"csrf_token": token, "meaning": "approved", "email": reviewer.email,
                               "password": PASSWORD})
    assert answer.status_code == 404
    body = text(client.get(page_of(sponsor, version)))
    assert "Not signed yet." in body and sponsor.run(lambda s: s.get(Version, version).status) == "qc"
