"""The completeness and milestone API: shapes, refusals and the OpenAPI document."""
from __future__ import annotations

from .helpers import approve, reviewer_of

BASE = "/api/v1/o/acme-pharma/edocs"


def _post(sponsor, path, body, **who):
    return sponsor.app.test_client().post(BASE + path, json=body, headers=sponsor.headers(**who))


def _get(sponsor, path, **who):
    return sponsor.app.test_client().get(BASE + path, headers=sponsor.headers(**who))


def test_setting_moving_and_counting_through_the_api(sponsor):
    study = f"/studies/{sponsor.study_id}"
    created = _post(sponsor, f"{study}/milestones", {"kind": "site_activation", "due_on": "2026-05-01", "site": "102"})
    assert created.status_code == 201, created.get_json()
    milestone = created.get_json()
    assert milestone["site"] == "102" and milestone["name"] == "Site activation, site 102"
    assert {e["artifact"] for e in milestone["expectations"]} >= {"05.02.08", "05.02.04"}
    cv = next(e for e in milestone["expectations"] if e["artifact"] == "05.02.04")
    assert cv["due_offset_days"] == -14 and cv["due_on"] == "2026-04-17"

    approve(sponsor, reviewer_of(sponsor), sponsor.file("05.02.04", level="site", site="102"))
    answer = _get(sponsor, f"{study}/completeness?today=2026-06-01").get_json()
    assert answer["today"] == "2026-06-01"
    assert answer["totals"]["expected"] == 9 and answer["totals"]["qc_passed"] == 1
    assert answer["totals"]["overdue"] == 8 and answer["totals"]["missing"] == 8
    assert answer["sites"] == [{**answer["totals"], "site": "102", "name": "102 Meridian Hospital"}]
    zone5 = next(z for z in answer["zones"] if z["zone"] == "05")
    assert zone5["name"] == "Site Management" and zone5["expected"] == 7
    assert {o["artifact"] for o in answer["overdue"]} == {e["artifact"] for e in milestone["expectations"]} - {"05.02.04"}
    assert all(o["site"] == "102" and o["filed"] is False and o["owner_id"] == sponsor.owner.id for o in answer["overdue"])

    moved = sponsor.app.test_client().patch(f"{BASE}/milestones/{milestone['id']}", headers=sponsor.headers(),
                                            json={"due_on": "2026-08-01", "reason": "Site contract delayed"})
    assert moved.status_code == 200 and moved.get_json()["due_on"] == "2026-08-01"
    after = _get(sponsor, f"{study}/completeness?today=2026-06-01").get_json()["totals"]
    assert (after["overdue"], after["missing"]) == (0, 8)
    listed = _get(sponsor, f"{study}/milestones").get_json()["milestones"]
    assert [m["id"] for m in listed] == [milestone["id"]]


def test_refusals_are_422_403_and_404(sponsor):
    study = f"/studies/{sponsor.study_id}"
    bad = _post(sponsor, f"{study}/milestones", {"kind": "site_activation", "due_on": "2026-05-01", "site": "999"})
    assert bad.status_code == 422 and "site" in bad.get_json()["fields"]
    shape = _post(sponsor, f"{study}/milestones", {"kind": "party", "due_on": "soon", "colour": "red"})
    assert shape.status_code == 422 and set(shape.get_json()["fields"]) == {"kind", "due_on", "colour"}
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl CTA", "cta")
    assert _post(sponsor, f"{study}/milestones", {"kind": "study_start", "due_on": "2026-05-01"},
                 user=cta).status_code == 403
    created = _post(sponsor, f"{study}/milestones", {"kind": "study_start", "due_on": "2026-05-01"}).get_json()
    no_reason = sponsor.app.test_client().patch(f"{BASE}/milestones/{created['id']}", headers=sponsor.headers(),
                                                json={"due_on": "2026-06-01", "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    org, owner = sponsor.share_site("meridian", "102", ["site_filer"])
    hidden = sponsor.app.test_client().patch(f"/api/v1/o/meridian/edocs/milestones/{created['id']}",
                                             headers=sponsor.headers(user=owner, org=org),
                                             json={"due_on": "2026-06-01", "reason": "x"})
    assert hidden.status_code in (403, 404)
    assert _get(sponsor, "/studies/999999/completeness").status_code == 404


def test_the_routes_are_in_the_openapi_document(sponsor):
    doc = sponsor.app.test_client().get("/api/v1/openapi.json").get_json()
    prefix = "/api/v1/o/{org}/edocs"
    completeness = doc["paths"][prefix + "/studies/{study_id}/completeness"]["get"]
    assert "edocs.Completeness" in str(completeness["responses"]["200"])
    assert {"get", "post"} <= set(doc["paths"][prefix + "/studies/{study_id}/milestones"])
    assert "edocs.MilestoneMove" in str(doc["paths"][prefix + "/milestones/{milestone_id}"]["patch"])
    assert "edocs.Counts" in doc["components"]["schemas"]
