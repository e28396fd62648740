"""The supply pages: dashboard with its chart, the kit list (arms for the unblinded only) and its
upload, a kit's actions, shipments requested, shipped and received with each kit's condition,
and the settings; refusals keep the page with every problem named."""
import io

from plugins.rtsm.services import shipments
from plugins.rtsm.services.shipments import kits_of
from sdk.testing import post_with_token, submit_form

from ..supply_world import (
    activate,
    add_kits,
    as_owner,
    kit_named,
    kit_rows,
    randomize,
    shipment_by_number,
    site,
    stock_site,
)

BASE = "/o/acme-pharma/rtsm/studies"


def test_the_dashboard_shows_stock_against_min_max_with_a_chart(sponsor):
    stock_site(sponsor, "S01", 2, 1)
    page = sponsor.client.get(f"{BASE}/{sponsor.study_id}/supply")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-site="S01"' in html and 'src="data:image/svg+xml;base64,' in html and "Run resupply now" in html
    assert 'data-depot="D01"' in html and "Latest ledger entries" in html
    ran = submit_form(sponsor.client, f"{BASE}/{sponsor.study_id}/supply", {},
                      action=f"{BASE}/{sponsor.study_id}/supply/resupply", follow_redirects=True)
    assert "Site S01: Stock reaches the trigger; nothing to send." in ran.get_data(as_text=True)


def test_the_kit_list_hides_arms_from_the_blinded_and_shows_them_to_the_unblinded(sponsor):
    add_kits(sponsor, kit_rows(2, 1))
    blinded_html = sponsor.client.get(f"{BASE}/{sponsor.study_id}/supply/kits").get_data(as_text=True)
    assert 'data-kit="K0001"' in blinded_html and "data-arm" not in blinded_html and "Arms are concealed" in blinded_html
    manager = sponsor.member("sue@acme-pharma.example.org", "Sue Supply", "supply_manager")
    client = sponsor.login_as(manager)
    html = client.get(f"{BASE}/{sponsor.study_id}/supply/kits?sort=-number").get_data(as_text=True)
    assert 'data-arm="P"' in html and html.index("K0003") < html.index("K0001")
    kit_id = sponsor.run(lambda session: kit_named(session, "K0001").id)
    blinded_kit = sponsor.client.get(f"{BASE}/{sponsor.study_id}/supply/kits/{kit_id}").get_data(as_text=True)
    assert "data-arm" not in blinded_kit and "arm_code" not in blinded_kit and "Cardiozol" not in blinded_kit
    assert 'data-arm>A<' in client.get(f"{BASE}/{sponsor.study_id}/supply/kits/{kit_id}").get_data(as_text=True)


def _upload(data: bytes) -> io.BytesIO:
    """A file for a form post (a tuple would be split in two by the MultiDict submit_form builds)."""
    stream = io.BytesIO(data)
    stream.name = "kits.csv"
    return stream


def test_a_bad_kit_file_keeps_the_page_and_names_every_row(sponsor):
    page = f"{BASE}/{sponsor.study_id}/supply/kits"
    data = {"file": _upload(b"kit,arm,lot,expiry\nK1,X,L1,2030-01-01\nK2,A,,2030-02-30\n")}
    answer = submit_form(sponsor.client, page, data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Please correct the following (3)" in html
    assert "Row 2: the arm must be one of" in html and "Row 3: the lot is required" in html
    good = {"file": _upload(b"kit,arm,lot,expiry\nK1,A,L1,2030-01-01\n")}
    assert submit_form(sponsor.client, page, good).status_code == 302


def test_a_shipment_is_requested_shipped_and_received_on_its_pages(sponsor):
    add_kits(sponsor, kit_rows(4, 2))
    activate(sponsor, "S02", initial_kits=0)
    listing = f"{BASE}/{sponsor.study_id}/supply/shipments"
    refused = submit_form(sponsor.client, listing, {"site": "S02", "quantity": "many", "kits": ""})
    assert refused.status_code == 422 and "whole number from 1 to 1000" in refused.get_data(as_text=True)
    made = submit_form(sponsor.client, listing, {"site": "S02", "quantity": "3", "kits": ""})
    assert made.status_code == 302
    shipment_page = made.headers["Location"]
    shipped = submit_form(sponsor.client, shipment_page, {}, action=shipment_page + "/ship")
    assert shipped.status_code == 302
    again = post_with_token(sponsor.client, shipment_page + "/ship", {}, token_from=shipment_page)
    assert again.status_code == 409
    html = sponsor.client.get(shipment_page).get_data(as_text=True)
    assert "Record the receipt" in html and "data-arm" not in html
    shipment_id = int(shipment_page.rsplit("/", 1)[1])
    kit_ids = sponsor.run(lambda session: [k.id for k in kits_of(shipment_by_number(session, "SH-0001"))])
    received = submit_form(sponsor.client, shipment_page, {f"kit_{kit_ids[0]}": "damaged"},
                           action=shipment_page + "/receive", follow_redirects=True)
    text = received.get_data(as_text=True)
    assert "Shipment SH-0001 received; 1 kit(s) recorded damaged or missing." in text and shipment_id


def test_a_kit_is_quarantined_with_a_reason_and_the_quarantine_reversed(sponsor):
    add_kits(sponsor, kit_rows(1, 0))
    kit_id = sponsor.run(lambda session: kit_named(session, "K0001").id)
    page = f"{BASE}/{sponsor.study_id}/supply/kits/{kit_id}"
    missing = submit_form(sponsor.client, page, {"reason": ""}, action=page + "/quarantine")
    assert missing.status_code == 422 and "Give the reason the kit is quarantined" in missing.get_data(as_text=True)
    done = submit_form(sponsor.client, page, {"reason": "Excursion to 12 °C"}, action=page + "/quarantine",
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Kit K0001 quarantined." in html and 'data-entry="quarantined"' in html
    assert "Excursion to 12 °C" in html                               # in the ledger and the history


def test_settings_name_every_problem_and_activation_requests_the_initial_shipment(sponsor):
    add_kits(sponsor, kit_rows(4, 2))
    page = f"{BASE}/{sponsor.study_id}/supply/settings"
    site_id = sponsor.site_ids["S01"]
    bad = submit_form(sponsor.client, page, {"min_stock": "9", "max_stock": "3", "initial_kits": "x",
                                             "depot": "D01"},
                      action=f"{BASE}/{sponsor.study_id}/supply/sites/{site_id}")
    assert bad.status_code == 422 and "Initial shipment must be a whole number" in bad.get_data(as_text=True)
    windows = submit_form(sponsor.client, page, {"do_not_ship_days": "10", "do_not_dispense_days": "30"},
                          action=f"{BASE}/{sponsor.study_id}/supply/windows")
    assert windows.status_code == 422 and "at least the do-not-dispense" in windows.get_data(as_text=True)
    activated = submit_form(sponsor.client, page, {}, action=f"{BASE}/{sponsor.study_id}/supply/sites/{site_id}/activate",
                            follow_redirects=True)
    assert "Site S01 activated; initial shipment SH-0001 requested." in activated.get_data(as_text=True)


def test_a_blinded_member_sees_pages_but_cannot_change_supply(sponsor):
    stock_site(sponsor, "S01", 1, 1)
    randomize(sponsor, "S01-001")
    blinded = sponsor.member("bob@acme-pharma.example.org", "Bob Blinded", "blinded")
    client = sponsor.login_as(blinded)
    html = client.get(f"{BASE}/{sponsor.study_id}/supply").get_data(as_text=True)
    assert "Run resupply now" not in html and "Cardiozol" not in html
    refused = post_with_token(client, f"{BASE}/{sponsor.study_id}/supply/resupply", {},
                              token_from=f"{BASE}/{sponsor.study_id}/supply")
    assert refused.status_code == 403


def test_the_kit_csv_has_arms_for_the_unblinded_only(sponsor):
    add_kits(sponsor, kit_rows(1, 1))
    blinded = sponsor.client.get(f"{BASE}/{sponsor.study_id}/supply/kits.csv").get_data(as_text=True)
    assert blinded.splitlines()[0] == "kit,lot,expiry,status,where" and ",A" not in blinded and ",P" not in blinded
    manager = sponsor.member("sue@acme-pharma.example.org", "Sue Supply", "supply_manager")
    unblinded = sponsor.login_as(manager).get(f"{BASE}/{sponsor.study_id}/supply/kits.csv").get_data(as_text=True)
    assert unblinded.splitlines()[0].endswith(",arm") and unblinded.splitlines()[2].endswith(",P")


def test_a_later_visit_is_dispensed_from_the_subject_page_and_a_shortage_is_told(sponsor):
    stock_site(sponsor, "S01", 1, 1)
    allocation_id, _, _ = randomize(sponsor, "S01-001")
    page = f"{BASE}/{sponsor.study_id}/subjects/{allocation_id}"
    answer = post_with_token(sponsor.client, page + "/dispense", {}, token_from=page, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "No kit can be dispensed for this subject at site S01; the supply manager has been notified." in text
    assert "no kit could be dispensed at site S01" in sponsor.client.get("/notifications").get_data(as_text=True)
    add_kits(sponsor, kit_rows(2, 2, start=30))
    as_owner(sponsor, lambda study: shipments.receive(shipments.ship(shipments.request_shipment(
        site(study, "S01"), quantity=4))))
    again = post_with_token(sponsor.client, page + "/dispense", {}, token_from=page, follow_redirects=True)
    assert "dispensed to subject S01-001." in again.get_data(as_text=True)
