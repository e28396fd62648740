"""The exports and imports API and pages: downloads, an import as a job, refusals, the OpenAPI
document, and isolation (another organization 404; a site organization's export holds only its
own site's subjects; a CRO with the export permission sees every site)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from plugins.edc.domain.odm import read_odm
from plugins.edc.models import Study, StudySite, Subject
from plugins.edc.services import entry, exports, exports_csv, studies
from plugins.edc.services.layout import field_name
from sdk.testing import csrf_token, submit_form

from ..pages.build_world import accept, make_grantees

FIXTURES = Path(__file__).parent.parent / "fixtures" / "odm"
API = "/api/v1/o/acme-pharma/edc"
PAGES = "/o/acme-pharma/edc"


def _subjects(sponsor):
    """Subject 101-001 at site 101 and 102-001 at site 102, each with a vitals form."""
    def run(session):
        study = session.get(Study, sponsor.study_id)
        for code in ("101", "102"):
            site = session.get(StudySite, sponsor.site_ids[code])
            subject = entry.enroll(study, site, f"{code}-001")
            entry.save_form(study, subject, "SE.event_1", "F.vitals",
                            {field_name("IG.vitals", 1, "IT.weight"): "70"})
    sponsor.run(run)


def _upload(client, study_id, data: bytes, name="trial.xml", **fields):
    return client.post(f"{API}/studies/{study_id}/imports", data={"file": (io.BytesIO(data), name), **fields},
                       headers={"X-CSRFToken": csrf_token(client, f"{PAGES}/")}, content_type="multipart/form-data")


def _new_study(sponsor, oid="MOVED"):
    def run(session):
        study = studies.create_study({"name": "Moved in", "oid": oid})
        studies.add_site(study, {"code": "S1", "name": "Site 1"})
        return study.id
    return sponsor.run(run)


def test_odm_and_csv_downloads(sponsor):
    _subjects(sponsor)
    snapshot = sponsor.client.get(f"{API}/studies/{sponsor.study_id}/export.odm?type=snapshot")
    assert snapshot.status_code == 200 and snapshot.mimetype == "application/xml"
    assert {s.subject_key for c in read_odm(snapshot.data).clinical_data for s in c.subjects} == {"101-001", "102-001"}
    transactional = sponsor.client.get(f"{API}/studies/{sponsor.study_id}/export.odm?type=transactional")
    assert read_odm(transactional.data).file_type == "Transactional"
    assert sponsor.client.get(f"{API}/studies/{sponsor.study_id}/export.odm?type=other").status_code == 422
    csv = sponsor.client.get(f"{API}/studies/{sponsor.study_id}/forms/F.vitals/export.csv")
    assert csv.mimetype == "text/csv" and csv.data.count(b"\n") == 3
    assert sponsor.client.get(f"{API}/studies/{sponsor.study_id}/forms/F.nope/export.csv").status_code == 404


def test_an_import_runs_as_a_job_and_reports_its_counts(sponsor):
    study_id = _new_study(sponsor)
    answer = _upload(sponsor.client, study_id, (FIXTURES / "odm-data-snapshot.xml").read_bytes())
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = sponsor.client.get(answer.headers["Location"]).get_json()
    assert job["status"] == "succeeded", job
    assert job["result"]["data"]["values_created"] == 165 and job["result"]["data"]["subjects_created"] == 2


def test_a_bad_upload_is_refused_with_the_one_422_shape_and_a_failing_job_writes_nothing(sponsor):
    study_id = _new_study(sponsor)
    refused = _upload(sponsor.client, study_id, b"<ODM")
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid_input"
    assert "file" in refused.get_json()["fields"]
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    first = sponsor.client.get(_upload(sponsor.client, study_id, data).headers["Location"]).get_json()
    assert first["status"] == "succeeded"
    answer = _upload(sponsor.client, study_id, data.replace(b'ItemOID="SEX" Value="F"', b'ItemOID="SEX" Value="M"'))
    job = sponsor.client.get(answer.headers["Location"]).get_json()
    assert job["status"] == "failed" and "TransactionType Insert, but the study has this subject" in job["error"]
    export = sponsor.client.get(f"{API}/studies/{study_id}/export.odm").data
    assert b'Value="F"' in export and b'Value="M"' not in export, "the failed job wrote nothing"


def test_the_import_page_starts_the_job_and_the_exports_page_links_the_files(sponsor):
    study_id = _new_study(sponsor)
    page = f"{PAGES}/studies/{study_id}/imports"
    empty = submit_form(sponsor.client, page, {})
    assert empty.status_code == 422 and "Choose an ODM file" in empty.get_data(as_text=True)
    stream = io.BytesIO((FIXTURES / "test_clinical_data_01.xml").read_bytes())
    stream.name = "trial.xml"
    started = submit_form(sponsor.client, page, {"file": stream})
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    assert "succeeded" in sponsor.client.get(started.headers["Location"]).get_data(as_text=True).lower()
    listing = sponsor.client.get(f"{PAGES}/studies/{study_id}/exports").get_data(as_text=True)
    assert "exports/snapshot.xml" in listing and "exports/forms/DEMOG.csv" in listing
    assert sponsor.client.get(f"{PAGES}/studies/{study_id}/exports/forms/DEMOG.csv").data.startswith(b"subject,")


def test_another_organization_gets_404(sponsor, make_user, make_org, grant_license, login_as):
    grantees = make_grantees(make_user, make_org, grant_license, login_as)
    base = f"/api/v1/o/{grantees.stranger.slug}/edc/studies/{sponsor.study_id}"
    client = grantees.stranger.client
    assert client.get(f"{base}/export.odm").status_code == 404
    assert client.get(f"{base}/forms/F.vitals/export.csv").status_code == 404
    assert client.get(f"/o/{grantees.stranger.slug}/edc/studies/{sponsor.study_id}/exports").status_code == 404


@dataclass
class Grantee:
    slug: str
    client: object


@pytest.fixture
def shared(sponsor, make_user, make_org, grant_license, login_as):
    """A site organization (site 101 only, site coordinator) and a CRO (monitor), both accepted."""
    parties = {}
    for slug, kind in (("site-berlin", "site"), ("north-cro", "cro")):
        owner = make_user(f"owner@{slug}.example.org", name=f"Owner of {slug}")
        parties[slug] = (make_org(slug, type=kind, owner=owner), Grantee(slug, login_as(owner)))

    def share(session):
        study = session.get(Study, sponsor.study_id)
        site = session.get(StudySite, sponsor.site_ids["101"])
        return (studies.share_study(study, with_org="site-berlin", roles=["site_coordinator"], site=site).id,
                studies.share_study(study, with_org="north-cro", roles=["monitor"]).id)
    site_grant, cro_grant = sponsor.run(share)
    accept(parties["site-berlin"][1], site_grant)
    accept(parties["north-cro"][1], cro_grant)
    return parties


def test_a_site_organizations_export_holds_only_its_sites_subjects(sponsor, shared):
    _subjects(sponsor)

    def as_grantee(session):
        study = session.get(Study, sponsor.study_id)
        return exports.odm_snapshot(study), sorted(session.scalars(select(Subject.subject_key)))
    data, visible = sponsor.run(as_grantee, org=shared["site-berlin"][0])
    odm = read_odm(data)
    assert visible == ["101-001"]
    assert [s.subject_key for c in odm.clinical_data for s in c.subjects] == ["101-001"]
    assert [loc.oid for loc in odm.admin_data.locations] == ["SITE.101"] and b"102-001" not in data
    csv = sponsor.run(lambda session: exports_csv.form_csv(session.get(Study, sponsor.study_id), "F.vitals")[1],
                      org=shared["site-berlin"][0])
    assert [row[0] for row in csv] == ["101-001"]
    # the site organization has no export permission at all; the CRO's monitor has, and sees both sites
    site_client, cro_client = shared["site-berlin"][1].client, shared["north-cro"][1].client
    assert site_client.get(f"/api/v1/o/site-berlin/edc/studies/{sponsor.study_id}/export.odm").status_code == 403
    assert site_client.get(f"/o/site-berlin/edc/studies/{sponsor.study_id}/exports/snapshot.xml").status_code == 403
    cro = cro_client.get(f"/api/v1/o/north-cro/edc/studies/{sponsor.study_id}/export.odm")
    assert cro.status_code == 200 and b"102-001" in cro.data and b"101-001" in cro.data
    # the CRO's Transactional export reads the sponsor's audit trail of the rows its grant covers
    owners = sponsor.client.get(f"/api/v1/o/acme-pharma/edc/studies/{sponsor.study_id}/export.odm?type=transactional")
    theirs = cro_client.get(f"/api/v1/o/north-cro/edc/studies/{sponsor.study_id}/export.odm?type=transactional")
    assert theirs.status_code == 200 and owners.status_code == 200
    assert transactions(theirs.data) and transactions(theirs.data) == transactions(owners.data), "the owner's trail"
    page = cro_client.get(f"/o/north-cro/edc/studies/{sponsor.study_id}/exports").get_data(as_text=True)
    assert "exports/snapshot.xml" in page and "exports/transactional.xml" in page


def transactions(data: bytes) -> list:
    """Every ItemData of an export with its transaction and audit record, in document order."""
    return [(s.subject_key, i.item_oid, i.value, i.transaction_type, i.audit.reason, i.audit.at)
            for c in read_odm(data).clinical_data for s in c.subjects for e in s.events for f in e.forms
            for g in f.groups for i in g.items]


def test_the_routes_are_in_the_openapi_document_with_their_schemas(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/o/{org}/edc/studies/{study_id}"
    assert "parameters" in paths[f"{base}/export.odm"]["get"]
    assert "200" in paths[f"{base}/forms/{{form_oid}}/export.csv"]["get"]["responses"]
    post = paths[f"{base}/imports"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"] and "202" in post["responses"]
    assert "422" in post["responses"]
