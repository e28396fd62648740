"""A site organization on the supply pages: its own site's stock, kits and shipments only (no
depot), receiving its shipment; another site's shipment or kit, and another organization: 404."""
from sdk.testing import submit_form

from ..supply_world import add_kits, as_owner, kit_named, kit_rows, shipment_by_number, site, stock_site


def test_the_site_sees_its_own_supply_only_and_receives_its_shipment(sponsor):
    stock_site(sponsor, "S01", 2, 1)
    stock_site(sponsor, "S02", 2, 1, start=20)
    add_kits(sponsor, kit_rows(2, 1, start=40))
    org, owner = sponsor.share_site("charite", "S01", ["site_staff"])
    client = sponsor.login_as(owner)
    base = f"/o/charite/rtsm/studies/{sponsor.study_id}/supply"
    dashboard = client.get(base).get_data(as_text=True)
    assert 'data-site="S01"' in dashboard and 'data-site="S02"' not in dashboard
    assert "data-depot" not in dashboard and "Run resupply now" not in dashboard
    kits_page = client.get(f"{base}/kits").get_data(as_text=True)
    assert 'data-kit="K0001"' in kits_page and "K0020" not in kits_page and "K0040" not in kits_page
    theirs_kit, theirs_shipment = sponsor.run(lambda session: (kit_named(session, "K0020").id,
                                                               shipment_by_number(session, "SH-0002").id))
    assert client.get(f"{base}/kits/{theirs_kit}").status_code == 404
    assert client.get(f"{base}/shipments/{theirs_shipment}").status_code == 404
    settings = client.get(f"{base}/settings").get_data(as_text=True)
    assert 'data-site="S01"' in settings and 'data-site="S02"' not in settings and "Activate" not in settings

    number = as_owner(sponsor, lambda study: _request_and_ship(site(study, "S01")))
    shipment_id = sponsor.run(lambda session: shipment_by_number(session, number).id)
    page = f"{base}/shipments/{shipment_id}"
    html = client.get(page).get_data(as_text=True)
    assert "Record the receipt" in html and "data-arm" not in html and "Ship</button>" not in html
    received = submit_form(client, page, {}, action=page + "/receive", follow_redirects=True)
    assert f"Shipment {number} received." in received.get_data(as_text=True)


def _request_and_ship(site_row):
    from plugins.rtsm.services import shipments

    return shipments.ship(shipments.request_shipment(site_row, quantity=2)).number


def test_another_organization_gets_404_everywhere(sponsor, make_user, make_org, grant_license, login_as):
    stock_site(sponsor, "S01", 1, 1)
    stranger = make_user("eve@other.example.org")
    other = make_org("other-pharma", owner=stranger)
    grant_license(other, "rtsm", enable=True)
    client = login_as(stranger)
    kit_id, shipment_id = sponsor.run(lambda session: (kit_named(session, "K0001").id,
                                                       shipment_by_number(session, "SH-0001").id))
    base = f"/o/other-pharma/rtsm/studies/{sponsor.study_id}/supply"
    for path in ("", "/kits", f"/kits/{kit_id}", "/shipments", f"/shipments/{shipment_id}", "/settings"):
        assert client.get(base + path).status_code == 404, path
