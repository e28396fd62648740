"""The scheme page: its versions, a new version, and the simulation preview drawn with the kit's
charts; for people who set the study up only, with block sizes concealed from the blinded."""
from __future__ import annotations

from sdk.testing import post_with_token, submit_form

BASE = "/o/acme-pharma/rtsm"


def text(response) -> str:
    return response.get_data(as_text=True)


def scheme_page(sponsor) -> str:
    return f"{BASE}/studies/{sponsor.study_id}/scheme"


def test_the_simulation_preview_shows_the_imbalance_charts(sponsor):
    answer = sponsor.client.get(scheme_page(sponsor) + "?subjects=60&trials=20")
    assert answer.status_code == 200
    body = text(answer)
    assert "data-simulated" in body and "20 simulated trials of 60 subjects" in body
    assert body.count('<img class="chart-image" src="data:image/svg+xml;base64,') >= 3
    assert "Imbalance as subjects are randomized" in body and "Subjects per arm (mean per trial)" in body
    assert "A Cardiozol 10 mg" in body, "the per-arm chart's table names each arm"


def test_the_preview_form_starts_at_200_subjects_and_100_trials_and_draws_nothing_before_asked(sponsor):
    body = text(sponsor.client.get(scheme_page(sponsor)))
    assert 'name="subjects" type="number" value="200"' in body and 'name="trials" type="number" value="100"' in body
    assert "chart-image" not in body


def test_a_simulation_out_of_bounds_is_refused_with_both_problems(sponsor):
    answer = sponsor.client.get(scheme_page(sponsor) + "?subjects=0&trials=many")
    assert answer.status_code == 422
    body = text(answer)
    assert 'href="#trials"' in body and "chart-image" not in body


def test_a_simulation_too_large_for_a_page_is_refused_before_it_runs(sponsor):
    answer = sponsor.client.get(scheme_page(sponsor) + "?subjects=10000&trials=500")
    assert answer.status_code == 422
    body = text(answer)
    assert 'href="#trials"' in body and "5,000,000 asked" in body and "chart-image" not in body


def test_the_blinded_owner_sees_no_block_sizes_and_the_statistician_does(sponsor, login_as):
    assert "Block sizes concealed" in text(sponsor.client.get(scheme_page(sponsor)))
    stats = sponsor.member("sam.stat@acme-pharma.example.org", "Sam Stat", "statistician")
    body = text(login_as(stats).get(scheme_page(sponsor)))
    assert "Block sizes: 3, 6." in body and "List SHA-256" in body


def test_a_new_version_is_made_through_the_form_and_is_in_use(sponsor):
    made = submit_form(sponsor.client, scheme_page(sponsor),
                       {"scheme_type": "minimization", "block_sizes": "", "strata": "",
                        "factors": "sex: F, M\nsite:", "weights": "sex: 2", "p": "0.85"},
                       action=f"{scheme_page(sponsor)}/versions")
    assert made.status_code == 302, text(made)[:2000]
    body = text(sponsor.client.get(scheme_page(sponsor)))
    assert 'data-version="2"' in body and "p 0.85, range imbalance" in body
    hub = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}"))
    assert "Minimization (Pocock-Simon), version 2" in hub


def test_a_bad_new_version_names_every_problem_beside_its_field(sponsor):
    refused = submit_form(sponsor.client, scheme_page(sponsor),
                          {"scheme_type": "block", "block_sizes": "4, 5", "strata": "site", "factors": "age young old",
                           "weights": "", "p": ""}, action=f"{scheme_page(sponsor)}/versions")
    assert refused.status_code == 422
    body = text(refused)
    assert 'href="#block_sizes"' in body and 'href="#strata"' in body and 'href="#factors"' in body, body[body.find("error-summary"):][:1500]
    assert "Block size 4 is not a multiple of the ratio sum 3" in body and 'value="4, 5"' in body
    assert 'data-version="2"' not in body


def test_a_member_without_manage_study_gets_403_with_a_sentence(sponsor, login_as):
    client = login_as(sponsor.member("bea@acme-pharma.example.org", "Bea Blinded", "blinded"))
    refused = client.get(scheme_page(sponsor))
    assert refused.status_code == 403 and "manage_study" in text(refused)
    posted = post_with_token(client, f"{scheme_page(sponsor)}/versions", {"scheme_type": "simple"},
                             token_from=f"{BASE}/")
    assert posted.status_code == 403


def test_another_organization_gets_404(sponsor, make_user, make_org, grant_license, login_as):
    owner = make_user("eve@rival.example.org")
    grant_license(make_org("rival", owner=owner), "rtsm", enable=True)
    assert login_as(owner).get(f"/o/rival/rtsm/studies/{sponsor.study_id}/scheme").status_code == 404
