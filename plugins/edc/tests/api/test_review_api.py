"""Review and lock through the JSON API: status, SDV, steps at each level with their answers
(200, 403, 404, 409, 422), editing a locked form refused with nothing changed, and every route
documented with its schemas."""
from __future__ import annotations

import pytest

from plugins.edc.models import FormInstance, Study, StudySite
from plugins.edc.services import entry
from plugins.edc.services.layout import field_name

EVENT = "SE.event_1"
VITALS = {"visit_date": "2025-03-14", "weight": "70", "height": "175", "sbp": "120"}
MONITOR = ["view_study", "manage_queries", "verify", "export"]
COORDINATOR = ["view_study", "enter_data", "respond_queries"]


def name(item):
    return field_name("IG.vitals", 1, f"IT.{item}")


@pytest.fixture
def world(sponsor, support):
    def make(session):
        study = session.get(Study, sponsor.study_id)
        subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids["101"]), "101-001")
        form = entry.save_form(study, subject, EVENT, "F.vitals", {name(k): v for k, v in VITALS.items()},
                               complete=True).form
        return subject.id, form.id
    sponsor.subject_id, sponsor.form_id = sponsor.run(make)
    sponsor.base = f"/api/v1/o/acme-pharma/edc/studies/{sponsor.study_id}"
    sponsor.headers = {"Authorization": f"Bearer {support.issue_token(sponsor.org, sponsor.owner)}"}
    return sponsor


def post(world, path, json=None, headers=None):
    return world.app.test_client().post(world.base + path, json=json, headers=headers or world.headers)


def headers_of(world, support, make_user, add_member, email, permissions):
    user = make_user(email)
    add_member(world.org, user, permissions={"edc": permissions})
    return {"Authorization": f"Bearer {support.issue_token(world.org, user)}"}


def test_review_status_lists_subjects_forms_and_signature(world):
    r = world.app.test_client().get(world.base + "/review", headers=world.headers)
    body = r.get_json()
    assert r.status_code == 200 and body["state"] == "open" and body["total"] == 1
    subject = body["subjects"][0]
    assert subject["subject_key"] == "101-001" and subject["signature"] == "unsigned"
    assert subject["forms"][0]["form_oid"] == "F.vitals" and subject["forms"][0]["lock_state"] == "open"
    other_site = world.app.test_client().get(world.base + f"/review?site_id={world.site_ids['102']}",
                                             headers=world.headers)
    assert other_site.get_json()["subjects"] == []


def test_lock_each_level_and_reopen_with_a_reason(world):
    form = f"/forms/{world.form_id}/review"
    subject = f"/subjects/{world.subject_id}/review"
    assert post(world, form + "/lock").get_json()["lock_state"] == "locked"
    conflict = post(world, form + "/lock")
    assert conflict.status_code == 409 and "locked already" in conflict.get_json()["message"]
    missing = post(world, form + "/unlock", json={"reason": " "})
    assert missing.status_code == 422 and "reason" in missing.get_json()["fields"]
    assert post(world, form + "/unlock", json={"reason": "Late lab"}).get_json()["lock_state"] == "open"
    assert post(world, subject + "/freeze").get_json()["lock_state"] == "frozen"
    assert post(world, subject + "/unfreeze", json={"reason": "Query answered"}).status_code == 200
    assert post(world, "/review/lock").get_json()["lock_state"] == "locked"
    held = post(world, form + "/freeze")
    assert held.status_code == 409 and "unlock the study first" in held.get_json()["message"]


def test_editing_a_locked_form_through_the_api_is_409_and_nothing_changes(world):
    assert post(world, f"/forms/{world.form_id}/review/lock").status_code == 200

    def weight(session):
        return [v.value for v in entry.stored_values(session.get(FormInstance, world.form_id)).values()
                if v.item_oid == "IT.weight"]
    path = f"/api/v1/o/acme-pharma/edc/subjects/{world.subject_id}/events/{EVENT}/forms/F.vitals"
    r = world.app.test_client().put(path, headers=world.headers, json={"values": {"weight": "80"}, "reason": "Typo"})
    assert r.status_code == 409 and "locked" in r.get_json()["message"]
    assert world.run(weight) == ["70"]


def test_verification_by_a_monitor_and_refusals(world, support, make_user, add_member):
    monitor = headers_of(world, support, make_user, add_member, "mona@acme-pharma.example.org", MONITOR)
    coordinator = headers_of(world, support, make_user, add_member, "cora@acme-pharma.example.org", COORDINATOR)
    verify = f"/forms/{world.form_id}/review/verify"
    assert post(world, verify, headers=coordinator).status_code == 403
    assert post(world, f"/forms/{world.form_id}/review/lock", headers=monitor).status_code == 403
    done = post(world, verify, headers=monitor)
    assert done.status_code == 200 and done.get_json()["verified_at"]
    assert post(world, verify, headers=monitor).status_code == 409
    assert post(world, f"/forms/{world.form_id}/review/unverify", json={"reason": "Wrong page"},
                headers=monitor).get_json()["verified_at"] is None


def test_another_organization_gets_404(world, support, make_user, make_org, grant_license):
    owner = make_user("owner@other-pharma.example.org")
    other = make_org("other-pharma", owner=owner)
    grant_license(other, "edc", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(other, owner)}"}
    client = world.app.test_client()
    base = f"/api/v1/o/other-pharma/edc/studies/{world.study_id}"
    assert client.get(base + "/review", headers=headers).status_code == 404
    assert client.post(base + f"/forms/{world.form_id}/review/lock", headers=headers).status_code == 404
    assert client.post(base + "/review/lock", headers=headers).status_code == 404
    assert world.run(lambda session: session.get(FormInstance, world.form_id).locked) is False


def test_every_review_route_is_documented_with_its_schemas(world):
    document = world.app.test_client().get("/api/v1/openapi.json").get_json()
    paths = {path: ops for path, ops in document["paths"].items() if "/edc/" in path and "review" in path}
    assert "/api/v1/o/{org}/edc/studies/{study_id}/review" in paths
    steps = [path for path in paths if path.rsplit("/", 1)[-1] in
             ("freeze", "lock", "unfreeze", "unlock", "verify", "unverify")]
    assert len(steps) == 14
    for path in steps:
        operation = paths[path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.ReasonIn")
        assert {"200", "409", "422"} <= set(operation["responses"])
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.StepDone")
    status = paths["/api/v1/o/{org}/edc/studies/{study_id}/review"]["get"]
    assert status["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.ReviewStatus")
    assert {p["name"] for p in status["parameters"]} >= {"site_id", "page"}
