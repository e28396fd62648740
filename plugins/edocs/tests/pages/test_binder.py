"""The binders list, opening a binder, and the binder tree: counts by status from one grouped
query, filters, a site organization seeing its own site only, strangers kept out."""
from __future__ import annotations

import re

from plugins.edocs.tests.conftest import PASSWORD
from sdk.testing import submit_form

BASE = "/o/acme-pharma/edocs"


def text(response) -> str:
    return response.get_data(as_text=True)


def counts_of(body: str, attribute: str, key: str) -> str:
    found = re.search(rf'data-{attribute}="{re.escape(key)}".*?class="tree-counts" data-filed="(\d+)"', body, re.S)
    assert found, f"{attribute} {key} is not in the tree"
    return found.group(1)


def test_the_list_shows_the_binder_with_its_document_count(sponsor):
    sponsor.file()
    body = text(sponsor.client.get(f"{BASE}/"))
    assert 'data-study="Heart failure 301"' in body
    assert re.search(r'Heart failure 301</a>.*?<td class="num">1</td>', body, re.S)


def test_opening_a_binder_seeds_the_reference_model_and_its_sites(sponsor):
    done = submit_form(sponsor.client, f"{BASE}/studies/new",
                       {"name": "Asthma 202", "protocol": "AS-202", "sites": "201 FR Clinique du Lac\n202 US"},
                       follow_redirects=True)
    assert done.status_code == 200
    body = text(done)
    assert "Binder Asthma 202 opened" in body and 'data-zone="01"' in body and 'data-zone="11"' in body
    assert 'data-artifact="05.02.10"' in body
    sharing = text(sponsor.client.get(done.request.path + "/sharing"))
    assert 'data-site="201"' in sharing and "Clinique du Lac" in sharing and 'data-site="202"' in sharing


def test_a_refused_binder_keeps_the_values_and_names_every_problem(sponsor):
    refused = submit_form(sponsor.client, f"{BASE}/studies/new",
                          {"name": "Heart failure 301", "protocol": "X", "sites": "301 Germany Clinic"})
    assert refused.status_code == 422
    body = text(refused)
    assert "exists already" in body and 'value="X"' in body


def test_the_tree_counts_documents_by_status_per_artifact_section_and_zone(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    from plugins.edocs.tests.pages.helpers import move

    sponsor.file("02.01.01", b"protocol\n")
    in_qc = sponsor.file("02.01.01", b"protocol amendment\n", filename="amendment.txt")
    move(sponsor, sponsor.owner, in_qc, "qc")
    approved = sponsor.file("02.01.02", b"synopsis\n", filename="synopsis.txt")
    move(sponsor, sponsor.owner, approved, "qc")
    move(sponsor, reviewer, approved, "approved", password=PASSWORD, email=reviewer.email)
    body = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}"))
    assert counts_of(body, "artifact", "02.01.01") == "2"
    assert counts_of(body, "section", "02.01") == "3" and counts_of(body, "zone", "02") == "3"
    assert counts_of(body, "artifact", "05.02.10") == "0"
    assert re.search(r'data-artifact="02.01.01".*?1 draft</span> · <span>1 in QC</span> · <span>0 approved', body, re.S)
    approved_only = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}?status=approved"))
    assert counts_of(approved_only, "zone", "02") == "1" and "synopsis" in approved_only
    assert "amendment" not in approved_only


def test_the_tree_filters_by_site(sponsor):
    sponsor.file("05.02.04", b"cv 101\n", filename="cv-101.txt", level="site", site="101")
    sponsor.file("05.02.04", b"cv 102\n", filename="cv-102.txt", level="site", site="102")
    body = text(sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}?site=101"))
    assert ">cv-101</a>" in body and "cv-102" not in body


def test_a_site_organization_sees_only_its_own_site_in_the_tree(sponsor):
    sponsor.file("05.02.04", b"cv 101\n", filename="cv-101.txt", level="site", site="101")
    other = sponsor.file("05.02.04", b"cv 102\n", filename="cv-102.txt", level="site", site="102")
    sponsor.file("02.01.01", b"protocol\n")
    org, owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    client = sponsor.login_as(owner)
    body = text(client.get(f"/o/lakeside/edocs/studies/{sponsor.study_id}"))
    assert ">cv-101</a>" in body and "cv-102" not in body and ">protocol</a>" not in body
    assert counts_of(body, "zone", "02") == "0" and counts_of(body, "artifact", "05.02.04") == "1"
    from plugins.edocs.models import Version

    other_document = sponsor.run(lambda s: s.get(Version, other).document_id)
    assert client.get(f"/o/lakeside/edocs/documents/{other_document}").status_code == 404


def test_another_organizations_binder_is_not_there(sponsor, make_user, make_org, grant_license, login_as):
    stranger = make_user("sam@rival.example.org", name="Sam Rival")
    grant_license(make_org("rival", owner=stranger), "edocs", enable=True)
    client = login_as(stranger)
    assert client.get(f"/o/rival/edocs/studies/{sponsor.study_id}").status_code == 404
    assert client.get(f"/o/rival/edocs/studies/{sponsor.study_id}/upload").status_code == 404
    assert 'data-study="Heart failure 301"' not in text(client.get("/o/rival/edocs/"))


def test_a_member_without_manage_binder_cannot_open_a_binder(sponsor, login_as):
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl Associate", "cta")
    client = login_as(cta)
    assert client.get(f"{BASE}/studies/new").status_code == 403
    assert "Open a binder" not in text(client.get(f"{BASE}/"))
