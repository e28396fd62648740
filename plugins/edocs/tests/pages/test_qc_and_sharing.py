"""The QC queue (oldest first, only what the person may review, the uploader told it is not
theirs) and the binder's sites and sharing page (the owner's managers only)."""
from __future__ import annotations

import re

from plugins.edocs.tests.pages.helpers import move
from sdk.testing import submit_form

BASE = "/o/acme-pharma/edocs"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_queue_lists_versions_waiting_for_qc_oldest_first(sponsor, login_as):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    first = sponsor.file("02.01.01", b"protocol\n", filename="protocol.txt")
    second = sponsor.file("05.02.04", b"cv\n", filename="cv-101.txt", level="site", site="101")
    sponsor.file("02.01.02", b"draft only\n", filename="synopsis.txt")
    move(sponsor, sponsor.owner, first, "qc")
    move(sponsor, sponsor.owner, second, "qc")
    body = text(login_as(reviewer).get(f"{BASE}/studies/{sponsor.study_id}/qc"))
    listed = re.findall(r'data-document="([^"]+)"', body)
    assert listed == ["protocol", "cv-101"]
    assert "05.02.04" in body and "<td>101</td>" in body and "olivia@acme-pharma.example.org" in body
    everywhere = text(login_as(reviewer).get(f"{BASE}/qc"))
    assert re.findall(r'data-document="([^"]+)"', everywhere) == ["protocol", "cv-101"]
    own = text(sponsor.client.get(f"{BASE}/qc"))
    assert "You uploaded it: someone else reviews it." in own


def test_the_queue_needs_qc_review_and_a_visible_binder(sponsor, login_as, make_user, make_org, grant_license):
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl Associate", "cta")
    assert login_as(cta).get(f"{BASE}/qc").status_code == 403
    stranger = make_user("sam@rival.example.org", name="Sam Rival")
    grant_license(make_org("rival", owner=stranger), "edocs", enable=True)
    assert login_as(stranger).get(f"/o/rival/edocs/studies/{sponsor.study_id}/qc").status_code == 404


def test_an_empty_queue_says_so(sponsor):
    assert "Nothing is waiting for your QC." in text(sponsor.client.get(f"{BASE}/qc"))


def test_the_owner_adds_a_site_and_shares_the_binder_with_a_site_organization(sponsor, make_user, make_org):
    page = f"{BASE}/studies/{sponsor.study_id}/sharing"
    body = text(sponsor.client.get(page))
    assert 'data-site="101"' in body and 'data-site="102"' in body and "Organizations it is shared with" in body
    added = submit_form(sponsor.client, page, {"code": "103", "site_name": "Nordklinik", "country": "SE"},
                        action=f"{BASE}/studies/{sponsor.study_id}/sites", follow_redirects=True)
    assert "Site 103 Nordklinik added" in text(added) and 'data-site="103"' in text(added)
    twice = submit_form(sponsor.client, page, {"code": "103", "site_name": "Again"},
                        action=f"{BASE}/studies/{sponsor.study_id}/sites")
    assert twice.status_code == 422 and "Site 103 is in the binder already." in text(twice)
    make_org("lakeside", owner=make_user("owner@lakeside.example.org", name="Lee Side"), type="site")
    site_id = sponsor.site_ids["101"]
    wrong = submit_form(sponsor.client, page, {"org": "lakeside", "site": str(site_id), "roles": ["tmf_manager"]},
                        action=f"{BASE}/studies/{sponsor.study_id}/shares")
    assert wrong.status_code == 422 and "Choose among site_filer, inspector" in text(wrong)
    shared = submit_form(sponsor.client, page, {"org": "lakeside", "site": str(site_id), "roles": ["site_filer"]},
                         action=f"{BASE}/studies/{sponsor.study_id}/shares", follow_redirects=True)
    assert "Invitation sent to lakeside" in text(shared) and 'data-grant="' in text(shared)


def test_only_the_owners_managers_change_sites_and_sharing(sponsor, login_as):
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl Associate", "cta")
    client = login_as(cta)
    page = f"{BASE}/studies/{sponsor.study_id}/sharing"
    body = text(client.get(page))
    assert 'data-site="101"' in body and "Add site" not in body and "Organizations it is shared with" not in body
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    refused = client.post(f"{BASE}/studies/{sponsor.study_id}/sites", data={"csrf_token": token, "code": "104"})
    assert refused.status_code == 403


def test_the_owner_names_who_works_on_the_binder(sponsor, login_as):
    carl = sponsor.member("carl@acme-pharma.example.org", "Carl Associate")
    page = f"{BASE}/studies/{sponsor.study_id}/sharing"
    assert login_as(carl).get(f"{BASE}/studies/{sponsor.study_id}/upload").status_code == 403
    done = submit_form(sponsor.client, page, {"assign": [f"{carl.id}:cta"]},
                       action=f"{BASE}/studies/{sponsor.study_id}/team", follow_redirects=True)
    assert "1 roles given, 0 taken away" in text(done)
    assert re.search(rf'id="assign-{carl.id}-cta"[^>]*checked', text(done))
    assert login_as(carl).get(f"{BASE}/studies/{sponsor.study_id}/upload").status_code == 200
    wrong = submit_form(sponsor.client, page, {"assign": ["999999:cta"]}, action=f"{BASE}/studies/{sponsor.study_id}/team")
    assert wrong.status_code == 422 and "999999:cta" in text(wrong) and "is not a member" in text(wrong)
