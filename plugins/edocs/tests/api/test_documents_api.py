"""The document API: filing by multipart, listing, reading with signatures, downloading and the
lifecycle, as a client sees them."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime

from plugins.edocs.tests.conftest import PASSWORD

BASE = "/api/v1/o/acme-pharma/edocs"


def _api(sponsor):
    """A client without the owner's page session: a token of another person is refused beside one."""
    return sponsor.app.test_client()


def _post_file(sponsor, data=b"Protocol text\n", filename="protocol.txt", headers=None, **fields):
    form = {"artifact": "02.01.01", **fields, "file": (io.BytesIO(data), filename)}
    return _api(sponsor).post(f"{BASE}/studies/{sponsor.study_id}/documents", data=form,
                               headers=headers or sponsor.headers(), content_type="multipart/form-data")


def _move(sponsor, document_id, headers=None, **body):
    return _api(sponsor).post(f"{BASE}/documents/{document_id}/transitions", json=body,
                               headers=headers or sponsor.headers())


def test_filing_answers_the_version_with_its_hash(sponsor):
    answer = _post_file(sponsor, title="Protocol", version_label="1.0", tags="core, protocol")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["version"] == 1 and body["status"] == "draft" and body["content_type"] == "text/plain"
    assert body["sha256"] == hashlib.sha256(b"Protocol text\n").hexdigest() and body["size"] == 14
    shown = _api(sponsor).get(answer.headers["Location"], headers=sponsor.headers()).get_json()
    assert shown["title"] == "Protocol" and shown["tags"] == ["core", "protocol"]
    assert shown["versions"][0]["uploaded_by"].startswith("olivia@acme-pharma.example.org")


def test_a_file_whose_bytes_are_not_its_name_is_refused(sponsor):
    answer = _post_file(sponsor, data=b"\x00\x01binary\x02" * 50, filename="protocol.pdf")
    assert answer.status_code == 422
    assert "file" in answer.get_json()["fields"]
    assert _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents",
                              headers=sponsor.headers()).get_json()["total"] == 0


def test_every_problem_of_a_filing_is_named(sponsor):
    answer = _post_file(sponsor, artifact="99.99.99", level="site", site="999", document_date="yesterday")
    assert answer.status_code == 422
    assert set(answer.get_json()["fields"]) >= {"artifact", "site", "document_date"}


def test_v1_v2_v3_and_approving_v3_supersedes_the_others_and_keeps_v1(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    first = _post_file(sponsor, data=b"protocol v1\n").get_json()
    for n in (2, 3):
        added = _post_file(sponsor, data=f"protocol v{n}\n".encode(), document=str(first["id"]))
        assert added.status_code == 201 and added.get_json()["version"] == n
    assert _move(sponsor, first["id"], to="qc").status_code == 200
    as_reviewer = sponsor.headers(reviewer)
    unsigned = _move(sponsor, first["id"], headers=as_reviewer, to="approved")
    assert unsigned.status_code == 403, unsigned.get_json()
    approved = _move(sponsor, first["id"], headers=as_reviewer, to="approved", password=PASSWORD,
                     email=reviewer.email)
    assert approved.status_code == 200, approved.get_json()
    signature = approved.get_json()["signatures"][0]
    assert signature["name"] == "Quinn Reviewer" and signature["meaning"] == "approved"
    assert datetime.fromisoformat(signature["signed_at"]).utcoffset().total_seconds() == 0
    document = _api(sponsor).get(f"{BASE}/documents/{first['id']}", headers=sponsor.headers()).get_json()
    assert [v["status"] for v in document["versions"]] == ["superseded", "superseded", "approved"]
    v1 = document["versions"][0]
    assert v1["sha256"] == first["sha256"] == hashlib.sha256(b"protocol v1\n").hexdigest()
    download = _api(sponsor).get(v1["file_url"], headers=sponsor.headers())
    assert download.status_code == 200 and download.data == b"protocol v1\n"


def test_draft_straight_to_effective_is_refused_with_the_reason(sponsor):
    filed = _post_file(sponsor).get_json()
    answer = _move(sponsor, filed["id"], to="effective")
    assert answer.status_code == 409 and "Draft cannot go to Effective" in answer.get_json()["message"]
    assert _api(sponsor).get(f"{BASE}/documents/{filed['id']}",
                              headers=sponsor.headers()).get_json()["versions"][0]["status"] == "draft"


def test_a_rejection_without_reason_is_422(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    filed = _post_file(sponsor).get_json()
    _move(sponsor, filed["id"], to="qc")
    assert _move(sponsor, filed["id"], headers=sponsor.headers(reviewer), to="rejected").status_code == 422
    rejected = _move(sponsor, filed["id"], headers=sponsor.headers(reviewer), to="rejected", reason="Unsigned")
    assert rejected.status_code == 200 and rejected.get_json()["qc_reason"] == "Unsigned"


def test_listing_filters_by_artifact_site_level_and_status(sponsor):
    _post_file(sponsor)
    _post_file(sponsor, artifact="05.02.04", level="site", site="101", filename="cv.txt", data=b"CV\n")
    listing = _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents", headers=sponsor.headers())
    assert listing.get_json()["total"] == 2
    by_site = _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents?site=101&status=draft",
                                 headers=sponsor.headers()).get_json()
    assert [d["artifact"] for d in by_site["documents"]] == ["05.02.04"] and by_site["documents"][0]["site"] == "101"
    trial = _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents?level=trial&artifact=02.01.01",
                               headers=sponsor.headers()).get_json()
    assert len(trial["documents"]) == 1 and trial["documents"][0]["status"] == "draft"
    assert _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents?status=nonsense",
                              headers=sponsor.headers()).status_code == 422


def test_another_organizations_ids_are_404(sponsor, make_user, make_org, grant_license, support):
    filed = _post_file(sponsor).get_json()
    other_owner = make_user("owen@other.example.org", name="Owen Other")
    other = make_org("other-pharma", owner=other_owner)
    grant_license(other, "edocs", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(other, other_owner)}"}
    base = "/api/v1/o/other-pharma/edocs"
    assert _api(sponsor).get(f"{base}/documents/{filed['id']}", headers=headers).status_code == 404
    assert _api(sponsor).get(f"{base}/versions/{filed['version_id']}/file", headers=headers).status_code == 404
    assert _api(sponsor).post(f"{base}/documents/{filed['id']}/transitions", json={"to": "qc"},
                               headers=headers).status_code == 404
    assert _api(sponsor).get(f"{base}/studies/{sponsor.study_id}/documents", headers=headers).status_code == 404
    own = _api(sponsor).post(f"{base}/studies", json={"name": "Other study"}, headers=headers).get_json()
    stranger = _api(sponsor).post(f"{base}/studies/{own['id']}/documents", headers=headers,
                                   content_type="multipart/form-data",
                                   data={"document": str(filed["id"]), "file": (io.BytesIO(b"x\n"), "x.txt")})
    assert stranger.status_code == 404


def test_a_site_organization_sees_only_its_site(sponsor):
    _post_file(sponsor)
    site_doc = _post_file(sponsor, artifact="05.02.04", level="site", site="102", filename="cv.txt",
                          data=b"CV\n").get_json()
    org, owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    headers = sponsor.headers(owner, org)
    listing = _api(sponsor).get(f"/api/v1/o/lakeside/edocs/studies/{sponsor.study_id}/documents", headers=headers)
    assert listing.status_code == 200 and listing.get_json()["documents"] == []
    assert _api(sponsor).get(f"/api/v1/o/lakeside/edocs/documents/{site_doc['id']}",
                              headers=headers).status_code == 404


def test_the_routes_are_in_the_openapi_document(sponsor):
    spec = _api(sponsor).get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    upload = paths["/api/v1/o/{org}/edocs/studies/{study_id}/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "201" in upload["responses"]
    assert "application/octet-stream" in paths["/api/v1/o/{org}/edocs/versions/{version_id}/file"]["get"][
        "responses"]["200"]["content"]
    assert "/api/v1/o/{org}/edocs/documents/{document_id}/transitions" in paths
    assert "application/zip" in paths["/api/v1/o/{org}/edocs/studies/{study_id}/exchange"]["get"][
        "responses"]["200"]["content"]


def test_a_request_larger_than_the_upload_limit_is_413_before_it_is_read(sponsor):
    answer = _api(sponsor).post(f"{BASE}/studies/{sponsor.study_id}/documents", headers=sponsor.headers(),
                                data={"artifact": "02.01.01", "file": (io.BytesIO(b"small\n"), "small.txt")},
                                content_type="multipart/form-data",
                                environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)})
    assert answer.status_code == 413
    assert _api(sponsor).get(f"{BASE}/studies/{sponsor.study_id}/documents",
                             headers=sponsor.headers()).get_json()["total"] == 0


def test_a_documents_details_change_audited_and_bad_values_change_nothing(sponsor):
    document = _post_file(sponsor, title="Protocol").get_json()["id"]
    path = f"{BASE}/documents/{document}"
    changed = _api(sponsor).patch(path, json={"title": "Clinical study protocol", "tags": ["core"],
                                              "document_date": "2026-10-01", "country": "de"},
                                  headers=sponsor.headers())
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["title"], body["tags"], body["document_date"], body["country"]) == (
        "Clinical study protocol", ["core"], "2026-10-01", "DE")
    refused = _api(sponsor).patch(path, json={"title": "", "document_date": "1 Oct", "tags": ["x" * 41]},
                                  headers=sponsor.headers())
    assert refused.status_code == 422
    assert set(refused.get_json()["fields"]) == {"title", "document_date", "tags"}
    assert _api(sponsor).get(path, headers=sponsor.headers()).get_json()["title"] == "Clinical study protocol"

    def history(session):
        from sdk import tool
        return [entry.changes for entry in tool().audit.history(entity_type="document", entity_id=str(document))]
    changes = sponsor.as_user(sponsor.owner, history)
    assert any(change.get("title") == ["Protocol", "Clinical study protocol"] for change in changes)


def test_the_owner_is_a_member_of_the_binders_organization(sponsor, make_user, make_org):
    document = _post_file(sponsor).get_json()["id"]
    colleague = sponsor.member("cora@acme-pharma.example.org", "Cora CTA", "cta")
    stranger = make_user("sam@rival.example.org")
    make_org("rival", owner=stranger)
    path = f"{BASE}/documents/{document}"
    refused = _api(sponsor).patch(path, json={"owner_id": stranger.id}, headers=sponsor.headers())
    assert refused.status_code == 422 and "owner_id" in refused.get_json()["fields"]
    changed = _api(sponsor).patch(path, json={"owner_id": colleague.id}, headers=sponsor.headers())
    assert changed.status_code == 200 and changed.get_json()["owner_id"] == colleague.id
    page = sponsor.client.get(f"/o/acme-pharma/edocs/documents/{document}").get_data(as_text=True)
    assert "Cora CTA (cora@acme-pharma.example.org)" in page
