"""Subjects and form data through the JSON API: listing, enrolling, the schedule, reading and
saving a form (reason for change, null flavours, hard and soft checks, the calculated BMI),
409 when locked with nothing changed, and every route in the OpenAPI document with schemas."""
import pytest
from sqlalchemy import select

from plugins.edc.models import FormInstance

BASE = "/api/v1/o/acme-pharma/edc"
FORM = BASE + "/subjects/{}/events/SE.event_1/forms/F.{}"


@pytest.fixture
def api(sponsor, support):
    headers = {"Authorization": f"Bearer {support.issue_token(sponsor.org, sponsor.owner)}"}

    class Caller:
        def get(self, path):
            return sponsor.app.test_client().get(path, headers=headers)

        def post(self, path, body):
            return sponsor.app.test_client().post(path, headers=headers, json=body)

        def put(self, path, body):
            return sponsor.app.test_client().put(path, headers=headers, json=body)
    return Caller()


def _enroll(api, sponsor, key="101-001", site="101"):
    response = api.post(f"{BASE}/studies/{sponsor.study_id}/subjects", {"subject": key, "site": site})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_enroll_list_and_schedule(api, sponsor):
    subject_id = _enroll(api, sponsor)
    _enroll(api, sponsor, "102-001", "102")
    listed = api.get(f"{BASE}/studies/{sponsor.study_id}/subjects").get_json()["subjects"]
    assert [(s["subject"], s["site"], s["forms_done"], s["forms_expected"]) for s in listed] == [
        ("101-001", "101", 0, 3), ("102-001", "102", 0, 3)]
    only = api.get(f"{BASE}/studies/{sponsor.study_id}/subjects?site=102").get_json()["subjects"]
    assert [s["subject"] for s in only] == ["102-001"]
    detail = api.get(f"{BASE}/subjects/{subject_id}").get_json()
    assert [(e["event_oid"], [f["form_oid"] for f in e["forms"]]) for e in detail["events"]] == [
        ("SE.event_1", ["F.enrolment", "F.vitals", "F.labs"])]
    assert {f["state"] for f in detail["events"][0]["forms"]} == {"not_started"}


def test_enrolling_refuses_bad_input_in_the_one_shape(api, sponsor):
    _enroll(api, sponsor)
    again = api.post(f"{BASE}/studies/{sponsor.study_id}/subjects", {"subject": "101-001", "site": "999"})
    body = again.get_json()
    assert again.status_code == 422 and set(body["fields"]) == {"subject", "site"}
    assert api.post(f"{BASE}/studies/{sponsor.study_id}/subjects", {"site": "101"}).status_code == 422
    assert api.post(f"{BASE}/studies/99999/subjects", {"subject": "x", "site": "101"}).status_code == 404


def test_save_read_and_correct_a_form(api, sponsor):
    subject_id = _enroll(api, sponsor)
    saved = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 70, "IT.height": "175", "sbp": 230,
                                                                   "visit_date": "2025-03-14"}})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["changed"] == 5 and [w["field"] for w in body["warnings"]] == ["sbp"]
    assert body["state"] == "in_progress"
    data = api.get(FORM.format(subject_id, "vitals")).get_json()
    assert data["values"]["bmi"] == "22.9" and data["version"]["number"] == 1
    assert {i["item_oid"] for i in data["items"]} >= {"IT.weight", "IT.height", "IT.bmi"}
    without = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 72}})
    assert without.status_code == 422 and list(without.get_json()["fields"]) == ["reason"]
    fixed = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 72}, "reason": "Typo", "complete": True})
    assert fixed.status_code == 200 and fixed.get_json()["state"] == "complete"
    assert api.get(FORM.format(subject_id, "vitals")).get_json()["values"]["weight"] == "72"
    assert api.get(f"{BASE}/subjects/{subject_id}").get_json()["forms_done"] == 1


def test_hard_problems_null_flavours_checkboxes_and_unknown_items(api, sponsor):
    subject_id = _enroll(api, sponsor)
    refused = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": "heavy", "smoker": "7"}})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"weight", "smoker"}
    unknown = api.put(FORM.format(subject_id, "vitals"), {"values": {"shoe_size": 42}})
    assert unknown.status_code == 422 and "values.shoe_size" in unknown.get_json()["fields"]
    assert api.get(FORM.format(subject_id, "vitals")).get_json()["items"] == []
    saved = api.put(FORM.format(subject_id, "enrolment"), {"values": {"race": ["1", "98"], "race_other": "Sami",
                                                                      "sex": 1, "pregnant": 1},
                                                           "null_flavours": {"dob": "UNK"}})
    assert saved.status_code == 200, saved.get_json()
    data = api.get(FORM.format(subject_id, "enrolment")).get_json()
    assert data["values"]["race"] == "1,98" and data["values"]["race_other"] == "Sami"
    assert "pregnant" not in data["values"], "hidden while sex is 1"
    assert next(i for i in data["items"] if i["variable"] == "dob")["null_flavour"] == "UNK"


def test_a_locked_form_answers_409_and_nothing_changes(api, sponsor):
    subject_id = _enroll(api, sponsor)
    assert api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 70}}).status_code == 200
    sponsor.run(lambda session: setattr(session.scalar(select(FormInstance)), "locked", True))
    refused = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 90}, "reason": "x"})
    assert refused.status_code == 409 and "locked" in refused.get_json()["message"]
    assert api.get(FORM.format(subject_id, "vitals")).get_json()["values"]["weight"] == "70"
    assert api.get(f"{BASE}/subjects/{subject_id}").get_json()["events"][0]["forms"][1]["state"] == "locked"


def test_unknown_ids_answer_404(api, sponsor):
    subject_id = _enroll(api, sponsor)
    assert api.get(f"{BASE}/subjects/99999").status_code == 404
    assert api.get(FORM.format(99999, "vitals")).status_code == 404
    assert api.get(FORM.format(subject_id, "nope")).status_code == 404
    assert api.put(FORM.format(subject_id, "nope"), {"values": {}}).status_code == 404
    assert api.get(f"{BASE}/studies/99999/subjects").status_code == 404


def test_the_routes_are_documented_with_schemas(api, sponsor):
    document = sponsor.app.test_client().get("/api/v1/openapi.json").get_json()
    paths = {path: ops for path, ops in document["paths"].items() if "/edc/" in path}
    want = {("get", "/studies/{study_id}/subjects"), ("post", "/studies/{study_id}/subjects"),
            ("get", "/subjects/{subject_id}"), ("get", "/subjects/{subject_id}/events/{event_oid}/forms/{form_oid}"),
            ("put", "/subjects/{subject_id}/events/{event_oid}/forms/{form_oid}")}
    found = {(method, path.split("/edc", 1)[1]) for path, ops in paths.items() for method in ops}
    assert want <= found, want - found
    for method, tail in want:
        op = next(ops[method] for path, ops in paths.items() if path.endswith(tail) and method in ops)
        success = next(code for code in op["responses"] if code.startswith("2"))
        assert "schema" in op["responses"][success]["content"]["application/json"], (method, tail)
        if method in ("post", "put"):
            assert "requestBody" in op and "422" in op["responses"]


def test_items_not_named_keep_their_values(api, sponsor):
    subject_id = _enroll(api, sponsor)
    api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 70, "height": 175},
                                                "null_flavours": {"sbp": "ND"}})
    changed = api.put(FORM.format(subject_id, "vitals"), {"values": {"weight": 72}, "reason": "Scale recalibrated"})
    assert changed.get_json()["changed"] == 2, "the weight and the BMI"
    items = {i["variable"]: (i["value"], i["null_flavour"])
             for i in api.get(FORM.format(subject_id, "vitals")).get_json()["items"]}
    assert items["height"] == ("175", None) and items["sbp"] == (None, "ND") and items["bmi"] == ("23.5", None)
    cleared = api.put(FORM.format(subject_id, "vitals"), {"values": {"sbp": 120}, "reason": "Measured after all"})
    assert cleared.status_code == 200
    assert api.get(FORM.format(subject_id, "vitals")).get_json()["values"]["sbp"] == "120"
