"""The study API: set-up with every problem named in one 422, reading with the block sizes and
list fingerprint for the unblinded only, the simulation for study managers, 404 for strangers."""
from ..conftest import STUDY

BASE = "/api/v1/o/acme-pharma/rtsm"


def test_a_study_is_set_up_listed_and_read(sponsor):
    client, headers = sponsor.app.test_client(), sponsor.headers()
    body = {**STUDY, "name": "Asthma 202", "protocol": "AS-202", "sites": [{"code": "101", "name": "Berlin"}],
            "depots": ["EU1"], "scheme": {"type": "block", "block_sizes": [3, 6]}}
    made = client.post(f"{BASE}/studies", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    study_id = made.get_json()["id"]
    assert made.headers["Location"].endswith(f"/studies/{study_id}")
    listed = client.get(f"{BASE}/studies", headers=headers).get_json()["studies"]
    assert sorted(s["name"] for s in listed) == ["Asthma 202", "Heart failure 301"]
    shown = client.get(f"{BASE}/studies/{study_id}", headers=headers).get_json()
    assert shown["sites"] == [{"id": shown["sites"][0]["id"], "code": "101", "name": "Berlin"}]
    assert shown["scheme"] == {"version": 1, "type": "block", "ratio": "2:1", "strata": [], "factors": {},
                               "randomized": 0}, "the owner is blinded: no block sizes, no list hash"


def test_the_unblinded_see_block_sizes_and_the_list_fingerprint(sponsor):
    stat = sponsor.member("stan@acme-pharma.example.org", "Stan Stat", "statistician")
    shown = sponsor.app.test_client().get(f"{BASE}/studies/{sponsor.study_id}", headers=sponsor.headers(stat))
    scheme = shown.get_json()["scheme"]
    assert scheme["block_sizes"] == [3, 6] and len(scheme["list_sha256"]) == 64
    assert scheme["strata"] == ["site", "sex"] and scheme["factors"] == {"sex": ["F", "M"]}


def test_every_problem_of_a_study_is_named_in_one_422_and_nothing_is_made(sponsor):
    client, headers = sponsor.app.test_client(), sponsor.headers()
    body = {"name": "Heart failure 301", "arms": [{"code": "A", "name": "Drug", "ratio": 2},
                                                  {"code": "A", "name": "Placebo", "ratio": 25}],
            "sites": ["S01"], "scheme": {"type": "minimization", "factors": {"sex": ["F"]}, "p": 0.2}}
    refused = client.post(f"{BASE}/studies", json=body, headers=headers)
    assert refused.status_code == 422
    fields = refused.get_json()["fields"]
    assert {"name", "arms[1].code", "arms[1].ratio", "scheme.factors.sex", "scheme.p"} <= set(fields)
    shape = client.post(f"{BASE}/studies", json={"name": "X", "arms": "two", "sites": [], "scheme": {}, "x": 1},
                        headers=headers)
    assert shape.status_code == 422 and {"arms", "x", "scheme.type"} <= set(shape.get_json()["fields"])
    assert len(client.get(f"{BASE}/studies", headers=headers).get_json()["studies"]) == 1


def test_setting_up_needs_manage_study(sponsor):
    viewer = sponsor.member("vera@acme-pharma.example.org", "Vera Viewer", "blinded")
    answer = sponsor.app.test_client().post(f"{BASE}/studies", json={**STUDY, "name": "New"},
                                            headers=sponsor.headers(viewer))
    assert answer.status_code == 403


def test_the_simulation_reports_balance_for_study_managers(sponsor):
    client = sponsor.app.test_client()
    url = f"{BASE}/studies/{sponsor.study_id}/scheme/simulation"
    figures = client.get(f"{url}?subjects=60&trials=4", headers=sponsor.headers())
    assert figures.status_code == 200
    found = figures.get_json()
    assert found["subjects"] == 60 and found["trials"] == 4 and sum(found["totals"].values()) == 240
    assert set(found["factor_imbalance"]) == {"sex", "site"} and len(found["final_imbalances"]) == 4
    assert client.get(f"{url}?subjects=0&trials=9999", headers=sponsor.headers()).get_json()["fields"].keys() == {
        "subjects", "trials"}
    too_much = client.get(f"{url}?subjects=10000&trials=500", headers=sponsor.headers())
    assert too_much.status_code == 422 and "at most 100,000 subjects" in too_much.get_json()["fields"]["trials"][0]
    viewer = sponsor.member("vera@acme-pharma.example.org", "Vera Viewer", "blinded")
    assert client.get(url, headers=sponsor.headers(viewer)).status_code == 403


def test_another_organization_gets_404_on_every_study_id(sponsor, make_user, make_org, grant_license):
    stranger = make_user("eve@rival.example.org")
    rival = make_org("rival", owner=stranger)
    grant_license(rival, "rtsm", enable=True)
    client, headers = sponsor.app.test_client(), sponsor.headers(stranger, rival)
    base = f"/api/v1/o/rival/rtsm/studies/{sponsor.study_id}"
    assert client.get("/api/v1/o/rival/rtsm/studies", headers=headers).get_json() == {"studies": []}
    assert client.get(base, headers=headers).status_code == 404
    assert client.get(f"{base}/scheme/simulation", headers=headers).status_code == 404
    assert client.get(f"{base}/allocations", headers=headers).status_code == 404
    assert client.post(f"{base}/randomize", json={"subject": "X-1", "site": "S01", "factors": {"sex": "F"}},
                       headers=headers).status_code == 404
    assert client.get(f"{BASE}/studies/{sponsor.study_id}", headers=headers).status_code == 404, \
        "a token of one organization does not open another's API"
