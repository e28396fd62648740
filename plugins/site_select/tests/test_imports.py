"""AACT-layout imports: good rows imported, each bad row reported with its reason, facilities
de-duplicated (within the upload and against the site master), and bad uploads refused with
nothing saved. An upload runs as a background job (immediate in tests): the form leads to the
job's progress page, which links to the batch's report when it is done."""
from __future__ import annotations

import io

from sdk import services
from sdk.testing import post_with_token, submit_form

from ..services import import_job
from .aact_samples import GOOD_SITES, files


def upload(client, data: dict[str, bytes], url="/o/acme/site_select/imports"):
    """Through the imports page's form, or to the API with the session cookie."""
    form = {"files": [(io.BytesIO(body), name) for name, body in data.items()]}
    if url.startswith("/api/"):
        return post_with_token(client, url, form)
    return submit_form(client, url, form)


def job_of(client, response) -> dict:
    """The import job an upload's answer leads to (the progress page's, or the API's), as the
    host's job API shows it."""
    location = response.headers["Location"]
    job_id = int(location.rstrip("/").rsplit("/", 1)[-1])
    return client.get(f"/api/v1/o/acme/jobs/{job_id}").get_json()


def batch_id_of(client, response) -> int:
    job = job_of(client, response)
    assert job["status"] == "succeeded", job
    return job["result"]["data"]["batch_id"]


def sites(world, client=None):
    return (client or world.client).get("/api/v1/o/acme/site_select/sites").get_json()


def test_import_keeps_good_rows_and_reports_each_bad_row(world):
    r = upload(world.client, files())
    assert r.status_code == 302 and r.headers["Location"].startswith("/o/acme/jobs/")
    progress = world.client.get(r.headers["Location"]).get_data(as_text=True)
    listed = sites(world)
    assert {s["name"] for s in listed["sites"]} == GOOD_SITES
    batch_id = batch_id_of(world.client, r)
    assert "Import AACT files" in progress and 'value="100"' in progress
    assert "Imported 3 new sites and 5 trial records; 7 rows rejected." in progress
    assert f'href="/o/acme/site_select/imports/{batch_id}"' in progress
    page = world.client.get(f"/o/acme/site_select/imports/{batch_id}").get_data(as_text=True)
    batch = world.client.get(f"/api/v1/o/acme/site_select/imports/{batch_id}").get_json()["batch"]
    assert (batch["sites_created"], batch["history_created"]) == (3, 5)
    assert batch["sites_merged"] == 1
    reasons = {(row["file"], row["line"]): row["reason"] for row in batch["rejected"]}
    assert "unknown trial phase" in reasons[("studies.txt", 5)]
    assert "not a date" in reasons[("studies.txt", 6)]
    assert "unknown or rejected study 'NCT90000099'" in reasons[("conditions.txt", 5)]
    assert "unknown country 'Atlantis'" in reasons[("facilities.txt", 7)]
    assert "unknown or rejected study 'NCT90000004'" in reasons[("facilities.txt", 8)]
    assert "expected 5 fields, found 4" in reasons[("facilities.txt", 9)]
    assert "enrolled (25) exceeds screened (20)" in reasons[("facility_performance.txt", 6)]
    for (file, line), reason in reasons.items():
        assert f"<td>{file}</td><td>{line}</td>" in page
    assert "Rejected rows (7)" in page
    [entry] = world.run(world.acme, lambda: services().audit.history(
        tool="site_select", entity_type="import_batch", entity_id=str(batch_id)))
    assert entry.action == "create" and entry.actor == "owner@acme.example.org"
    assert entry.changes["sites_created"] == [None, 3] and len(entry.changes["rejected"][1]) == 7
    assert set(entry.changes["files"][1]) == {"studies.txt", "conditions.txt", "facilities.txt",
                                              "facility_performance.txt"}


def test_reimport_deduplicates_sites_and_history(world):
    upload(world.client, files())
    again = upload(world.client, files())
    batch_id = batch_id_of(world.client, again)
    batch = world.client.get(f"/api/v1/o/acme/site_select/imports/{batch_id}").get_json()["batch"]
    assert batch["sites_created"] == 0 and batch["sites_merged"] == 4
    assert batch["history_created"] == 0 and batch["history_skipped"] == 5
    assert sites(world)["total"] == 3


def test_variant_spellings_merge_into_the_known_site_and_extend_it(world):
    upload(world.client, files())
    variant = ("id|nct_id|name|city|country\n"
               "1|NCT90000001|Charite - Universitaetsmedizin Berlin|Berlin|DE\n"
               "2|NCT90000001|Hospital Clinic of Barcelona|Barcelona|ES\n")
    r = upload(world.client, files(**{"facilities.txt": variant}))
    batch_id = batch_id_of(world.client, r)
    batch = world.client.get(f"/api/v1/o/acme/site_select/imports/{batch_id}").get_json()["batch"]
    assert batch["sites_created"] == 0 and batch["sites_merged"] == 2
    listed = sites(world)
    assert listed["total"] == 3
    barcelona = next(s for s in listed["sites"] if s["city"] == "Barcelona")
    assert barcelona["therapeutic_areas"] == ["respiratory", "cardiology"]
    assert set(barcelona["conditions"]) == {"Asthma", "Heart Failure"}


def test_imported_history_appears_on_the_profile(world):
    upload(world.client, files())
    berlin = next(s for s in sites(world)["sites"] if s["city"] == "Berlin")
    assert set(berlin["therapeutic_areas"]) == {"cardiology", "respiratory"}
    page = world.client.get(f"/o/acme/site_select/sites/{berlin['id']}").get_data(as_text=True)
    assert "NCT90000001" in page and "NCT90000003" in page and 'class="chart-image"' in page


def test_import_through_the_api(world):
    r = upload(world.client, files(), url="/api/v1/o/acme/site_select/imports")
    assert r.status_code == 202
    job = r.get_json()["job"]
    assert r.headers["Location"] == job["status_url"] == f"/api/v1/o/acme/jobs/{job['id']}"
    assert job["status"] == "succeeded" and job["result"]["data"]["history_created"] == 5
    batch_id = job["result"]["data"]["batch_id"]
    batch = world.client.get(f"/api/v1/o/acme/site_select/imports/{batch_id}").get_json()["batch"]
    assert batch["history_created"] == 5 and len(batch["rejected"]) == 7
    assert job_of(world.client, r) == job


def test_bad_uploads_are_refused_and_change_nothing(world):
    # (upload, the API's message, the page's sentence: a file's name stays as it was uploaded)
    cases = [({}, "choose the AACT files", "Choose the AACT files"),
             ({"notes.txt": b"hello"}, "notes.txt: not an AACT file", "notes.txt: not an AACT file"),
             ({**files(), "studies.txt": "nct_id|phase\n".encode() + b"\xff\xfe"}, "studies.txt: not UTF-8",
              "studies.txt: not UTF-8 text."),
             (files(**{"conditions.txt": None}), "missing AACT file(s): conditions.txt",
              "Missing AACT file(s): conditions.txt."),
             (files(**{"studies.txt": "nct|phase\n"}), "studies.txt lacks column(s) nct_id, start_date",
              "studies.txt lacks column(s) nct_id, start_date."),
             (files(**{"facilities.txt": ""}), "facilities.txt is empty", "facilities.txt is empty")]
    for data, message, on_page in cases:
        r = upload(world.client, data)
        assert r.status_code == 422, message
        assert on_page in r.get_data(as_text=True), on_page
        api = upload(world.client, data, url="/api/v1/o/acme/site_select/imports")
        assert api.status_code == 422 and message in api.get_json()["message"]
    assert sites(world)["total"] == 0
    assert "Nothing imported yet" in world.client.get("/o/acme/site_select/imports").get_data(as_text=True)


def test_a_problem_found_only_by_the_job_fails_it_with_its_message(world, monkeypatch):
    """The header check up front finds every whole-file problem the importer knows today; one it
    missed would surface in the job: the job fails with the importer's message and saves nothing."""
    monkeypatch.setattr(import_job, "layout_problems", lambda texts: [])
    r = upload(world.client, files(**{"conditions.txt": None}))
    assert r.status_code == 302
    job = job_of(world.client, r)
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"] == "missing AACT file(s): conditions.txt"
    page = world.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "missing AACT file(s): conditions.txt" in page and "Failed" in page
    assert sites(world)["total"] == 0
    assert "Nothing imported yet" in world.client.get("/o/acme/site_select/imports").get_data(as_text=True)


def test_only_the_importing_organization_sees_the_job(world):
    r = upload(world.client, files())
    job_page = r.headers["Location"]
    job_id = job_page.rsplit("/", 1)[-1]
    assert world.other_client.get(job_page.replace("/o/acme/", "/o/other/")).status_code == 404
    assert world.other_client.get(f"/api/v1/o/other/jobs/{job_id}").status_code == 404
    assert world.other_client.get(job_page).status_code == 404
