"""The supply API: kits (the arm for the unblinded only), shipments through their lifecycle with
409 for illegal moves, resupply, dispensing and stock; every refusal names its problems."""
from plugins.rtsm.models import Kit

from ..supply_world import FAR, activate, kit_rows, randomize, stock_site


def _base(sponsor, org="acme-pharma"):
    return f"/api/v1/o/{org}/rtsm"


def _client(sponsor):
    return sponsor.app.test_client()


def test_kits_are_added_and_listed_with_arms_for_the_unblinded_only(sponsor):
    api, base = _client(sponsor), _base(sponsor)
    added = api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(),
                     json={"kits": kit_rows(2, 1)})
    assert added.status_code == 201, added.get_json()
    assert [k["number"] for k in added.get_json()["kits"]] == ["K0001", "K0002", "K0003"]
    assert all("arm" not in kit for kit in added.get_json()["kits"])          # the owner is blinded
    manager = sponsor.member("sue@acme-pharma.example.org", "Sue Supply", "supply_manager")
    blinded = sponsor.member("bob@acme-pharma.example.org", "Bob Blinded", "blinded")
    seen = api.get(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(manager)).get_json()
    assert [(k["number"], k["arm"], k["depot"], k["status"]) for k in seen["kits"]] == [
        ("K0001", "A", "D01", "available"), ("K0002", "A", "D01", "available"), ("K0003", "P", "D01", "available")]
    hidden = api.get(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(blinded))
    assert hidden.status_code == 200 and '"arm"' not in hidden.get_data(as_text=True)
    assert "Cardiozol" not in hidden.get_data(as_text=True)


def test_bad_kits_are_named_row_by_row_and_nothing_is_added(sponsor):
    api, base = _client(sponsor), _base(sponsor)
    answer = api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(), json={"kits": [
        {"kit": "K1", "arm": "Z", "lot": "L", "expiry": FAR},
        {"kit": "K1", "arm": "A", "lot": "L", "expiry": "soon"}]})
    assert answer.status_code == 422
    assert answer.get_json()["problems"] == [
        "row 1: the arm must be one of the study's arm codes (A, P).",
        "row 2: kit K1 is also on row 1.", "row 2: the expiry must be a date written YYYY-MM-DD."]
    assert sponsor.run(lambda session: session.query(Kit).count()) == 0
    blinded = sponsor.member("bob@acme-pharma.example.org", "Bob Blinded", "blinded")
    refused = api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(blinded),
                       json={"kits": kit_rows(1, 0)})
    assert refused.status_code == 403


def test_a_shipment_through_its_lifecycle_and_illegal_moves_answer_409(sponsor):
    api, base, headers = _client(sponsor), _base(sponsor), sponsor.headers()
    api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=headers, json={"kits": kit_rows(4, 2)})
    activate(sponsor, "S02", initial_kits=0)
    made = api.post(f"{base}/studies/{sponsor.study_id}/shipments", headers=headers, json={"site": "S02", "quantity": 3})
    assert made.status_code == 201 and made.get_json()["status"] == "requested"
    shipment = made.get_json()
    numbers = [kit["number"] for kit in shipment["kits"]]
    early = api.post(f"{base}/shipments/{shipment['id']}/receive", headers=headers, json={"kits": {}})
    assert early.status_code == 409 and "only a shipped shipment can be received" in early.get_json()["message"]
    assert api.get(f"{base}/shipments/{shipment['id']}", headers=headers).get_json()["status"] == "requested"
    shipped = api.post(f"{base}/shipments/{shipment['id']}/ship", headers=headers)
    assert shipped.status_code == 200 and {k["status"] for k in shipped.get_json()["kits"]} == {"in_transit"}
    again = api.post(f"{base}/shipments/{shipment['id']}/ship", headers=headers)
    assert again.status_code == 409
    bad = api.post(f"{base}/shipments/{shipment['id']}/receive", headers=headers, json={"kits": {"K9999": "damaged"}})
    assert bad.status_code == 422 and bad.get_json()["problems"] == [f"Kit K9999 is not in shipment {shipment['number']}."]
    received = api.post(f"{base}/shipments/{shipment['id']}/receive", headers=headers,
                        json={"kits": {numbers[0]: "damaged", numbers[1]: "missing"}})
    assert received.status_code == 200
    assert [k["status"] for k in received.get_json()["kits"]] == ["damaged", "missing", "available"]
    stock = api.get(f"{base}/studies/{sponsor.study_id}/stock", headers=headers).get_json()
    s02 = next(site for site in stock["sites"] if site["site"] == "S02")
    assert (s02["usable"], s02["on_hand"], s02["in_transit"]) == (1, 1, 0)
    assert [(d["depot"], d["on_hand"], d["unreserved"]) for d in stock["depots"]] == [("D01", 3, 3)]


def test_resupply_and_dispense_through_the_api(sponsor):
    api, base = _client(sponsor), _base(sponsor)
    stock_site(sponsor, "S01", 4, 2)
    api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=sponsor.headers(),
             json={"kits": kit_rows(4, 2, start=50)})
    ran = api.post(f"{base}/studies/{sponsor.study_id}/resupply", headers=sponsor.headers())
    assert ran.status_code == 200
    assert [(s["site"], s["action"]) for s in ran.get_json()["sites"]] == [
        ("S01", "Stock reaches the trigger; nothing to send.")]
    allocation_id, arm, first = randomize(sponsor, "S01-001")
    blinded_answer = api.post(f"{base}/allocations/{allocation_id}/dispense", headers=sponsor.headers())
    assert blinded_answer.status_code == 201
    assert set(blinded_answer.get_json()) == {"subject", "kit"} and blinded_answer.get_json()["kit"] != first
    unblinded = sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded")
    refused = api.post(f"{base}/allocations/{allocation_id}/dispense", headers=sponsor.headers(unblinded))
    assert refused.status_code == 403                           # unblinded, but no 'dispense'
    assert api.post(f"{base}/allocations/99999/dispense", headers=sponsor.headers()).status_code == 404


def test_the_supply_routes_are_in_the_openapi_document(sponsor):
    document = _client(sponsor).get("/api/v1/openapi.json").get_json()
    paths = [path for path in document["paths"] if "/rtsm/" in path]
    for tail in ("/studies/{study_id}/kits", "/studies/{study_id}/shipments", "/shipments/{shipment_id}/ship",
                 "/shipments/{shipment_id}/receive", "/studies/{study_id}/resupply",
                 "/allocations/{allocation_id}/dispense", "/studies/{study_id}/stock"):
        assert any(path.endswith(tail) for path in paths), tail
