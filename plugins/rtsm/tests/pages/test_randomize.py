"""The randomize screen and the subjects' pages: factors from the scheme, the eligibility
confirmation required, the arm shown to the unblinded only, a second request answered with the
first result, a site organization limited to its own site, strangers kept out."""
from __future__ import annotations

import re

from sdk.testing import post_with_token, submit_form

BASE = "/o/acme-pharma/rtsm"
SUBJECT = {"subject": "101-001", "site": "S01", "factor_0": "F", "eligible": "y"}


def text(response) -> str:
    return response.get_data(as_text=True)


def randomize_page(sponsor, org="acme-pharma") -> str:
    return f"/o/{org}/rtsm/studies/{sponsor.study_id}/randomize"


def test_the_screen_asks_for_the_schemes_factors_and_the_eligibility_confirmation(sponsor):
    body = text(sponsor.client.get(randomize_page(sponsor)))
    assert "<legend>Sex</legend>" in body and 'value="F"' in body and 'value="M"' in body
    assert "The subject meets every inclusion criterion and no exclusion criterion" in body
    assert '<option value="S01">S01</option>' in body and '<option value="S02">S02</option>' in body


def test_the_blinded_owner_randomizes_and_sees_the_number_but_no_arm(sponsor):
    done = submit_form(sponsor.client, randomize_page(sponsor), SUBJECT, follow_redirects=True)
    assert done.status_code == 200
    body = text(done)
    assert "Subject 101-001 randomized: randomization number 1." in body
    assert "data-sequence>1<" in body and "Blinded: the treatment arm is not shown." in body
    assert "data-arm" not in body and "Cardiozol" not in body and "Placebo" not in body
    listing = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}/subjects"))
    assert 'data-subject="101-001"' in listing and "data-arm" not in listing and "Cardiozol" not in listing


def test_an_unblinded_member_sees_the_arm_on_the_result_and_in_the_list(sponsor, login_as):
    client = login_as(sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "site_staff", "unblinded"))
    done = submit_form(client, randomize_page(sponsor), SUBJECT, follow_redirects=True)
    body = text(done)
    arm = re.search(r'data-arm>(A Cardiozol 10 mg|P Placebo)<', body)
    assert arm, body[body.find("<main"):][:2000]
    assert f"randomization number 1, arm {arm.group(1)}." in body
    listing = text(client.get(f"{BASE}/studies/{sponsor.study_id}/subjects"))
    assert "<th" in listing and ">Arm<" in listing and arm.group(1) in listing


def test_a_second_randomization_shows_the_first_result_with_a_note(sponsor):
    first = submit_form(sponsor.client, randomize_page(sponsor), SUBJECT)
    again = submit_form(sponsor.client, randomize_page(sponsor), {**SUBJECT, "factor_0": "M"})
    assert again.status_code == 302 and again.location == first.location
    body = text(sponsor.client.get(again.location))
    assert "Subject 101-001 was randomized before: this is the first result (randomization number 1)" in body
    assert "nothing was changed" in body
    listing = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}/subjects"))
    assert listing.count('data-subject="101-001"') == 1


def test_every_problem_is_shown_at_once_and_nothing_is_randomized(sponsor):
    refused = submit_form(sponsor.client, randomize_page(sponsor), {"subject": "", "site": "", "factor_0": ""})
    assert refused.status_code == 422
    body = text(refused)
    assert "Please correct the following (4)" in body, body[body.find("error-summary"):][:1500]
    for field in ("subject", "site", "factor_0", "eligible"):
        assert f'href="#{field}"' in body
    assert "No subject randomized yet." in text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}/subjects"))


def test_without_the_eligibility_confirmation_nothing_is_randomized(sponsor):
    refused = submit_form(sponsor.client, randomize_page(sponsor), {**SUBJECT, "eligible": ""})
    assert refused.status_code == 422 and "Confirm that the subject meets every inclusion criterion" in text(refused)
    assert 'value="101-001"' in text(refused), "the values are kept"


def test_a_site_organization_randomizes_at_its_own_site_only(sponsor, login_as):
    org, owner = sponsor.share_site("charite", "S01", ["site_staff"], name="Charité")
    client = login_as(owner)
    page = randomize_page(sponsor, "charite")
    body = text(client.get(page))
    assert '<option value="S01"' in body and "S02" not in body
    forged = post_with_token(client, page, {**SUBJECT, "site": "S02"}, token_from=page)
    assert forged.status_code == 422 and "Choose the subject" in text(forged)
    done = submit_form(client, page, SUBJECT)
    assert done.status_code == 302
    history = text(client.get(done.location))
    assert "Eligibility confirmed" in history and "no exclusion criterion" in history
    submit_form(sponsor.client, randomize_page(sponsor), {**SUBJECT, "subject": "102-001", "site": "S02"})
    listing = text(client.get(f"/o/charite/rtsm/studies/{sponsor.study_id}/subjects"))
    assert 'data-subject="101-001"' in listing and "102-001" not in listing
    theirs = re.search(r'/rtsm/studies/\d+/subjects/(\d+)', text(sponsor.client.get(
        f"{BASE}/studies/{sponsor.study_id}/subjects?sort=-sequence"))).group(1)
    assert client.get(f"/o/charite/rtsm/studies/{sponsor.study_id}/subjects/{theirs}").status_code == 404


def test_a_blinded_read_only_member_gets_403_with_a_sentence(sponsor, login_as):
    client = login_as(sponsor.member("bea@acme-pharma.example.org", "Bea Blinded", "blinded"))
    refused = client.get(randomize_page(sponsor))
    assert refused.status_code == 403 and "randomize" in text(refused)


def test_another_organization_gets_404_for_the_study_and_its_subjects(sponsor, make_user, make_org,
                                                                       grant_license, login_as):
    done = submit_form(sponsor.client, randomize_page(sponsor), SUBJECT)
    subject_path = done.location.split("/rtsm/", 1)[1]
    owner = make_user("eve@rival.example.org")
    grant_license(make_org("rival", owner=owner), "rtsm", enable=True)
    client = login_as(owner)
    assert client.get(randomize_page(sponsor, "rival")).status_code == 404
    assert client.get(f"/o/rival/rtsm/{subject_path}").status_code == 404
    assert client.get(f"/o/rival/rtsm/studies/{sponsor.study_id}/subjects").status_code == 404
