"""The studies list, the new-study form and the study's hub: every problem beside its field with
the values kept, block sizes concealed from the blinded, other organizations kept out."""
from __future__ import annotations

from sdk.testing import submit_form

BASE = "/o/acme-pharma/rtsm"
GOOD = {
    "name": "Asthma 202", "protocol": "AST-202",
    "arm1_code": "T", "arm1_name": "Inhaler 200 µg", "arm1_ratio": "1",
    "arm2_code": "P", "arm2_name": "Placebo", "arm2_ratio": "1",
    "sites": "S01 Charité Berlin\nS02 Hôpital Lyon",
    "scheme_type": "stratified_block", "block_sizes": "2, 4", "strata": "site, sex", "factors": "sex: F, M",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_the_study_its_scheme_and_the_owners_blinded_access(sponsor):
    page = sponsor.client.get(f"{BASE}/")
    assert page.status_code == 200
    body = text(page)
    assert "Heart failure 301" in body and "HF-301" in body and "Stratified blocks" in body
    assert "Manages the study (blinded)" in body and "New study" in body


def test_a_study_is_created_through_the_form_with_its_sites_named(sponsor):
    made = submit_form(sponsor.client, f"{BASE}/studies/new", GOOD)
    assert made.status_code == 302, text(made)[:3000]
    hub = text(sponsor.client.get(made.location))
    assert "Asthma 202" in hub and "Charité Berlin" in hub and "Hôpital Lyon" in hub
    assert "Inhaler 200 µg" in hub and "Stratified blocks, version 1" in hub
    assert "Concealed: only unblinded people see them." in hub and "data-block-sizes" not in hub


def test_three_problems_are_shown_at_once_beside_their_fields_with_the_values_kept(sponsor):
    bad = {**GOOD, "name": "", "arm2_ratio": "two", "p": "0.9"}
    refused = submit_form(sponsor.client, f"{BASE}/studies/new", bad)
    assert refused.status_code == 422
    body = text(refused)
    assert "Please correct the following (3)" in body, body[body.find("error-summary"):][:1500]
    assert 'href="#name"' in body and 'href="#arm2_ratio"' in body and 'href="#p"' in body
    assert "applies only to minimization schemes" in body
    assert 'value="two"' in body and 'value="0.9"' in body and "Hôpital Lyon" in body


def test_block_sizes_that_are_not_multiples_of_the_ratio_sum_are_named_beside_their_field(sponsor):
    refused = submit_form(sponsor.client, f"{BASE}/studies/new", {**GOOD, "block_sizes": "3, 4"})
    body = text(refused)
    assert refused.status_code == 422 and 'href="#block_sizes"' in body
    assert "Block size 3 is not a multiple of the ratio sum 2" in body and 'value="3, 4"' in body


def test_blank_arm_rows_are_skipped_and_problems_land_on_the_row_they_came_from(sponsor):
    bad = {**GOOD, "arm1_code": "", "arm1_name": "", "arm1_ratio": "", "arm3_code": "X", "arm3_name": "",
           "arm3_ratio": "1", "block_sizes": "", "scheme_type": "block", "strata": "", "factors": ""}
    refused = submit_form(sponsor.client, f"{BASE}/studies/new", bad)
    assert refused.status_code == 422
    body = text(refused)
    assert 'href="#arm3_name"' in body and "Arm X needs a name" in body
    assert 'href="#block_sizes"' in body and "Please correct the following (2)" in body


def test_a_factor_line_without_a_colon_is_named_with_the_services_problems(sponsor):
    refused = submit_form(sponsor.client, f"{BASE}/studies/new", {**GOOD, "factors": "sex F M", "name": ""})
    body = text(refused)
    assert refused.status_code == 422
    assert "Line 1 of the factors must read" in body and 'href="#name"' in body and 'href="#factors"' in body


def test_an_unblinded_statistician_sees_block_sizes_and_the_list_fingerprint(sponsor, login_as):
    stats = sponsor.member("sam.stat@acme-pharma.example.org", "Sam Stat", "statistician")
    hub = text(login_as(stats).get(f"{BASE}/studies/{sponsor.study_id}"))
    assert "data-block-sizes>3, 6<" in hub and "List SHA-256" in hub and "Unblinded statistician" in hub


def test_a_blinded_member_may_not_create_a_study(sponsor, login_as):
    member = sponsor.member("bea@acme-pharma.example.org", "Bea Blinded", "blinded")
    client = login_as(member)
    assert "New study" not in text(client.get(f"{BASE}/"))
    refused = client.get(f"{BASE}/studies/new")
    assert refused.status_code == 403 and "manage_study" in text(refused)


def test_another_organization_gets_404_for_the_study(sponsor, make_user, make_org, grant_license, login_as):
    owner = make_user("eve@rival.example.org")
    grant_license(make_org("rival", owner=owner), "rtsm", enable=True)
    client = login_as(owner)
    assert client.get(f"/o/rival/rtsm/studies/{sponsor.study_id}").status_code == 404
    assert "Heart failure 301" not in text(client.get("/o/rival/rtsm/"))


def test_the_owner_adds_a_site_and_changes_the_settings_with_problems_beside_their_fields(sponsor):
    hub = f"{BASE}/studies/{sponsor.study_id}"
    added = submit_form(sponsor.client, hub, {"code": "S03", "site_name": "Hospices Civils de Lyon"},
                        action=f"{hub}/sites")
    assert added.status_code == 302 and "Hospices Civils de Lyon" in text(sponsor.client.get(hub))
    twice = submit_form(sponsor.client, hub, {"code": "S03", "site_name": ""}, action=f"{hub}/sites")
    assert twice.status_code == 422 and "The study has a site S03 already" in text(twice)
    refused = submit_form(sponsor.client, hub, {"name": "", "protocol": "HF-301",
                                                "do_not_ship_days": "-5",
                                                "do_not_dispense_days": "30"}, action=f"{hub}/settings")
    body = text(refused)
    assert refused.status_code == 422 and "Please correct the following (2)" in body
    assert 'href="#name"' in body and 'href="#do_not_ship_days"' in body
    assert 'value="-5"' in body
    saved = submit_form(sponsor.client, hub, {"name": "Heart failure 301b", "protocol": "HF-301",
                                              "do_not_ship_days": "90",
                                              "do_not_dispense_days": "45"},
                        action=f"{hub}/settings")
    assert saved.status_code == 302
    assert "Heart failure 301b" in text(sponsor.client.get(hub))


def test_a_member_without_manage_study_sees_no_set_up_forms_and_may_not_post_them(sponsor, login_as):
    from sdk.testing import post_with_token

    client = login_as(sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff"))
    hub = f"{BASE}/studies/{sponsor.study_id}"
    assert "Add a site" not in text(client.get(hub))
    assert post_with_token(client, f"{hub}/sites", {"code": "S09"}, token_from=hub).status_code == 403
