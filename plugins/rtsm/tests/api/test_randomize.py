"""POST /studies/<id>/randomize: 201 with the subject, its number and kit (and the arm only for
an unblinded caller); the same subject again 200 with the same answer; every problem in one 422."""
BASE = "/api/v1/o/acme-pharma/rtsm"


def _randomize(sponsor, body, user=None):
    return sponsor.app.test_client().post(f"{BASE}/studies/{sponsor.study_id}/randomize", json=body,
                                          headers=sponsor.headers(user))


def test_a_subject_is_randomized_once_and_a_blinded_caller_gets_no_arm(sponsor):
    body = {"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}}
    first = _randomize(sponsor, body)
    assert first.status_code == 201
    found = first.get_json()
    assert found["subject"] == "S01-001" and found["sequence"] == 1 and found["kit"] is None
    assert found["site"] == "S01" and found["source"] == "api"
    assert "arm" not in found and "arm_name" not in found
    again = _randomize(sponsor, body)
    assert again.status_code == 200 and again.get_json() == found


def test_an_unblinded_randomizer_sees_the_arm(sponsor):
    both = sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded", "site_staff")
    found = _randomize(sponsor, {"subject": "S02-001", "site": "S02", "factors": {"sex": "M"}}, both).get_json()
    assert found["arm"] in ("A", "P") and found["arm_name"] in ("Cardiozol 10 mg", "Placebo")


def test_every_problem_is_named_in_one_422_and_nothing_is_written(sponsor):
    refused = _randomize(sponsor, {"subject": "", "site": "S09", "factors": {"sex": "X"}})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"subject", "site"}
    factors = _randomize(sponsor, {"subject": "S01-002", "site": "S01", "factors": {"sex": "X", "age": "9"}})
    assert set(factors.get_json()["fields"]) == {"factors.sex", "factors.age"}
    shape = _randomize(sponsor, {"subject": 7, "factors": {"sex": 1}})
    assert shape.status_code == 422 and {"subject", "site", "factors.sex.value"} <= set(shape.get_json()["fields"])
    first = _randomize(sponsor, {"subject": "S01-003", "site": "S01", "factors": {"sex": "F"}})
    assert first.get_json()["sequence"] == 1, "the refusals took no number"


def test_randomizing_needs_the_randomize_permission(sponsor):
    viewer = sponsor.member("vic@acme-pharma.example.org", "Vic Viewer", "blinded")
    answer = _randomize(sponsor, {"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}}, viewer)
    assert answer.status_code == 403


def test_an_ineligible_subject_is_refused_and_eligibility_is_kept_in_the_history(sponsor):
    """Calling the API confirms eligibility (kept in the randomization's history);
    ``"eligible": false`` is refused with the field named, and nothing is written."""
    body = {"subject": "S01-900", "site": "S01", "factors": {"sex": "F"}}
    refused = _randomize(sponsor, {**body, "eligible": False})
    assert refused.status_code == 422 and "eligible" in str(refused.get_json()), refused.get_json()
    made = _randomize(sponsor, body)
    assert made.status_code == 201 and made.get_json()["sequence"] == 1
    history = sponsor.client.get(f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/subjects").get_data(as_text=True)
    allocation = history.split("/subjects/")[1].split('"')[0]
    page = sponsor.client.get(f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/subjects/{allocation}")
    assert "every inclusion criterion" in page.get_data(as_text=True)
