"""AACT-layout imports: good rows imported, each bad row reported with its reason, facilities
de-duplicated (within the upload and against the site master), and bad uploads refused with
nothing saved."""
from __future__ import annotations

import io

from sdk import services
from sdk.testing import post_with_token, submit_form

from .aact_samples import GOOD_SITES, files


def upload(client, data: dict[str, bytes], url="/o/acme/site_select/imports"):
    """Through the imports page's form, or to the API with the session cookie."""
    form = {"files": [(io.BytesIO(body), name) for name, body in data.items()]}
    if url.startswith("/api/"):
        return post_with_token(client, url, form)
    return submit_form(client, url, form)


def sites(world, client=None):
    return (client or world.client).get("/api/v1/o/acme/site_select/sites").get_json()


def test_import_keeps_good_rows_and_reports_each_bad_row(world):
    r = upload(world.client, files())
    assert r.status_code == 302
    page = world.client.get(r.headers["Location"]).get_data(as_text=True)
    listed = sites(world)
    assert {s["name"] for s in listed["sites"]} == GOOD_SITES
    batch_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
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
    batch_id = int(again.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
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
    batch_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
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
    assert "NCT90000001" in page and "NCT90000003" in page and "<svg" in page


def test_import_through_the_api(world):
    r = upload(world.client, files(), url="/api/v1/o/acme/site_select/imports")
    assert r.status_code == 201
    assert r.get_json()["batch"]["history_created"] == 5 and len(r.get_json()["batch"]["rejected"]) == 7


def test_bad_uploads_are_refused_and_change_nothing(world):
    cases = [({}, "choose the AACT files"),
             ({"notes.txt": b"hello"}, "notes.txt: not an AACT file"),
             ({**files(), "studies.txt": "nct_id|phase\n".encode() + b"\xff\xfe"}, "studies.txt: not UTF-8"),
             (files(**{"conditions.txt": None}), "missing AACT file(s): conditions.txt"),
             (files(**{"studies.txt": "nct|phase\n"}), "studies.txt lacks column(s) nct_id, start_date"),
             (files(**{"facilities.txt": ""}), "facilities.txt is empty")]
    for data, message in cases:
        r = upload(world.client, data)
        assert r.status_code == 422, message
        assert message in r.get_data(as_text=True), message
        api = upload(world.client, data, url="/api/v1/o/acme/site_select/imports")
        assert api.status_code == 422 and message in api.get_json()["message"]
    assert sites(world)["total"] == 0
    assert "Nothing imported yet" in world.client.get("/o/acme/site_select/imports").get_data(as_text=True)
