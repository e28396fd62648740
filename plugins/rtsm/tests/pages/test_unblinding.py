"""Emergency unblinding through the pages: a reason, the kit's signature dialog, then the arm for
the requester only, with "one subject only"; the study's list of unblindings never shows an arm."""
from __future__ import annotations

import re

import pytest

from sdk.testing import post_with_token, sign_record, submit_form
from sdk.testing.support import TEST_PASSWORD

BASE = "/o/acme-pharma/rtsm"
REASON = "Anaphylaxis after the second dose; the treating physician needs the drug."


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def investigator(sponsor, login_as):
    """A blinded investigator of the sponsor (``.user``, ``.client``) and subject 101-001
    randomized by the owner (``.subject_page``)."""
    user = sponsor.member("ida@acme-pharma.example.org", "Ida Investigator", "investigator")
    done = submit_form(sponsor.client, f"{BASE}/studies/{sponsor.study_id}/randomize",
                       {"subject": "101-001", "site": "S01", "factor_0": "F", "eligible": "y"})
    assert done.status_code == 302
    client = login_as(user)
    client.user, client.subject_page = user, done.location
    return client


def request_unblinding(client, reason=REASON):
    page = client.subject_page.rstrip("/") + "/unblind"
    return submit_form(client, page, {"reason": reason})


def test_the_request_then_the_signature_reveal_the_arm_to_the_requester(investigator, sponsor):
    subject = text(investigator.get(investigator.subject_page))
    assert "Emergency unblinding" in subject and "data-arm" not in subject
    asked = request_unblinding(investigator)
    assert asked.status_code == 302
    page = text(investigator.get(asked.location))
    assert "Sign to reveal the treatment" in page and "data-revealed" not in page and "data-arm" not in page
    signed = sign_record(investigator, asked.location, {"meaning": "responsibility", "email": investigator.user.email,
                                                        "password": TEST_PASSWORD})
    body = text(signed)
    arm = re.search(r'data-arm="(A|P)">(A Cardiozol 10 mg|P Placebo)<', body)
    assert arm, body[body.find("<main"):][:3000]
    assert "This reveals one subject only." in body and "Ida Investigator" in body and "Anaphylaxis" in body
    owner_view = text(sponsor.client.get(asked.location))
    assert "data-arm" not in owner_view and "Only the person who asked sees the arm." in owner_view
    assert "Signed by Ida Investigator" in owner_view and "Sign to reveal" not in owner_view
    short = asked.location.split("/studies/", 1)[0] + "/unblindings/" + asked.location.rstrip("/").rsplit("/", 1)[1]
    assert "Anaphylaxis" in text(sponsor.client.get(short)), "the notification's short address shows it"
    listing = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}/unblindings"))
    assert "Anaphylaxis" in listing and "Ida Investigator" in listing and "revealed" in listing
    assert "Cardiozol" not in listing and "Placebo" not in listing


def test_without_a_signature_no_arm_is_shown(investigator):
    asked = request_unblinding(investigator)
    body = text(investigator.get(asked.location))
    assert "data-arm" not in body and "Not yet" in body
    refused = sign_record(investigator, asked.location, {"meaning": "responsibility",
                                                         "email": investigator.user.email, "password": "wrong"})
    assert "data-arm" not in text(refused)


def test_a_short_reason_is_refused_beside_its_field(investigator):
    refused = request_unblinding(investigator, "sick")
    assert refused.status_code == 422
    body = text(refused)
    assert 'href="#reason"' in body and "at least 10 characters" in body and "sick</textarea>" in body


def test_a_member_without_emergency_unblind_gets_403(investigator, sponsor, login_as):
    staff = login_as(sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff"))
    page = investigator.subject_page.rstrip("/") + "/unblind"
    assert "Emergency unblinding" not in text(staff.get(investigator.subject_page))
    refused = staff.get(page)
    assert refused.status_code == 403 and "emergency_unblind" in text(refused)
    assert post_with_token(staff, page, {"reason": REASON}, token_from=investigator.subject_page).status_code == 403
    assert "No subject has been unblinded." in text(staff.get(f"{BASE}/studies/{sponsor.study_id}/unblindings"))


def test_the_blinded_owner_holds_no_emergency_unblind(investigator, sponsor):
    assert sponsor.client.get(investigator.subject_page.rstrip("/") + "/unblind").status_code == 403


def test_another_organization_gets_404(investigator, make_user, make_org, grant_license, login_as):
    asked = request_unblinding(investigator)
    owner = make_user("eve@rival.example.org")
    grant_license(make_org("rival", owner=owner), "rtsm", enable=True)
    client = login_as(owner)
    assert client.get(asked.location.replace("/o/acme-pharma/", "/o/rival/")).status_code == 404
    unblinding_id = asked.location.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/o/rival/rtsm/unblindings/{unblinding_id}").status_code == 404


def test_another_investigator_gets_no_sign_dialog_and_no_arm(investigator, sponsor, login_as):
    asked = request_unblinding(investigator)
    sign_record(investigator, asked.location, {"meaning": "responsibility", "email": investigator.user.email,
                                               "password": TEST_PASSWORD})
    other = login_as(sponsor.member("ivo@acme-pharma.example.org", "Ivo Investigator", "investigator"))
    body = text(other.get(asked.location))
    assert "Sign to reveal" not in body and "data-arm" not in body and "Signed by Ida Investigator" in body
