"""A site organization through the supply API: its own site's kits, shipments and stock only,
never a depot's; it receives its shipments and dispenses; another site's ids and another
organization answer 404."""
from ..supply_world import add_kits, as_owner, kit_rows, randomize, shipment_by_number, stock_site


def _world(sponsor):
    stock_site(sponsor, "S01", 2, 1)                                  # SH-0001, received at S01
    stock_site(sponsor, "S02", 2, 1, start=20)                        # SH-0002, received at S02
    add_kits(sponsor, kit_rows(4, 2, start=40))                        # at the depot
    org, owner = sponsor.share_site("charite", "S01", ["site_staff"])
    return org, owner, sponsor.headers(owner, org)


def _ids(sponsor, *numbers):
    return sponsor.run(lambda session: [shipment_by_number(session, n).id for n in numbers])


def test_the_site_sees_only_its_own_kits_shipments_and_stock(sponsor):
    org, owner, headers = _world(sponsor)
    api, base = sponsor.app.test_client(), "/api/v1/o/charite/rtsm"
    kits = api.get(f"{base}/studies/{sponsor.study_id}/kits", headers=headers)
    assert kits.status_code == 200
    assert [k["number"] for k in kits.get_json()["kits"]] == ["K0001", "K0002", "K0003"]
    assert all(k["site"] == "S01" and "arm" not in k for k in kits.get_json()["kits"])
    shipments = api.get(f"{base}/studies/{sponsor.study_id}/shipments", headers=headers).get_json()["shipments"]
    assert [s["number"] for s in shipments] == ["SH-0001"]
    stock = api.get(f"{base}/studies/{sponsor.study_id}/stock", headers=headers).get_json()
    assert [s["site"] for s in stock["sites"]] == ["S01"] and "depots" not in stock
    ours, theirs = _ids(sponsor, "SH-0001", "SH-0002")
    assert api.get(f"{base}/shipments/{ours}", headers=headers).status_code == 200
    assert api.get(f"{base}/shipments/{theirs}", headers=headers).status_code == 404
    assert api.post(f"{base}/shipments/{theirs}/receive", headers=headers, json={}).status_code == 404


def test_the_site_receives_its_shipment_and_dispenses_but_cannot_ship(sponsor):
    org, owner, headers = _world(sponsor)
    api, base = sponsor.app.test_client(), "/api/v1/o/charite/rtsm"
    number = as_owner(sponsor, lambda study: _resupply_s01(study))
    shipment_id = _ids(sponsor, number)[0]
    listed = api.get(f"{base}/studies/{sponsor.study_id}/shipments", headers=headers).get_json()["shipments"]
    assert listed[0]["number"] == number and listed[0]["kits"] == []           # reserved kits stay at the depot
    assert api.post(f"{base}/shipments/{shipment_id}/ship", headers=headers).status_code == 403
    as_owner(sponsor, lambda study: _ship(number))
    received = api.post(f"{base}/shipments/{shipment_id}/receive", headers=headers, json={"kits": {}})
    assert received.status_code == 200 and received.get_json()["status"] == "received"
    allocation_id, _, _ = randomize(sponsor, "S01-001")
    dispensed = api.post(f"{base}/allocations/{allocation_id}/dispense", headers=headers)
    assert dispensed.status_code == 201 and set(dispensed.get_json()) == {"subject", "kit"}
    assert api.post(f"{base}/studies/{sponsor.study_id}/resupply", headers=headers).status_code == 403
    assert api.post(f"{base}/studies/{sponsor.study_id}/kits", headers=headers,
                    json={"kits": kit_rows(1, 0, start=90)}).status_code == 403


def _resupply_s01(study):
    from plugins.rtsm.services import shipments

    site = next(s for s in study.sites if s.code == "S01")
    return shipments.request_shipment(site, quantity=2).number


def _ship(number):
    from plugins.rtsm.services import shipments
    from sdk import tool

    shipments.ship(shipment_by_number(tool().db_session(), number))


def test_another_organization_sees_nothing(sponsor, make_user, make_org, grant_license):
    stock_site(sponsor, "S01", 2, 1)
    stranger = make_user("eve@other.example.org")
    other = make_org("other-pharma", owner=stranger)
    grant_license(other, "rtsm", enable=True)
    api, base, headers = sponsor.app.test_client(), "/api/v1/o/other-pharma/rtsm", sponsor.headers(stranger, other)
    shipment_id = _ids(sponsor, "SH-0001")[0]
    assert api.get(f"{base}/studies/{sponsor.study_id}/kits", headers=headers).status_code == 404
    assert api.get(f"{base}/studies/{sponsor.study_id}/stock", headers=headers).status_code == 404
    assert api.get(f"{base}/shipments/{shipment_id}", headers=headers).status_code == 404
    assert api.post(f"{base}/shipments/{shipment_id}/receive", headers=headers, json={}).status_code == 404
    assert api.post(f"{base}/studies/{sponsor.study_id}/shipments", headers=headers,
                    json={"site": "S01", "quantity": 1}).status_code == 404
