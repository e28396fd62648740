"""A site organization randomizes into the sponsor's study at its own site only and sees its own
site's subjects only (another site's ids answer 404); its randomization numbers are study-wide.
An organization without a grant gets 404 on every id."""
import pytest
from sqlalchemy import select

from plugins.rtsm.models import Allocation

REASON = "Severe reaction: the emergency physician must know"


@pytest.fixture
def site_world(sponsor):
    org, owner = sponsor.share_site("charite", "S01", ["site_staff"], name="Charité")
    return {"org": org, "owner": owner, "headers": sponsor.headers(owner, org), "client": sponsor.login_as(owner),
            "api": f"/api/v1/o/charite/rtsm/studies/{sponsor.study_id}"}


def _sponsor_randomizes(sponsor, subject, site):
    answer = sponsor.app.test_client().post(f"/api/v1/o/acme-pharma/rtsm/studies/{sponsor.study_id}/randomize",
                                            headers=sponsor.headers(), json={"subject": subject, "site": site,
                                                                             "factors": {"sex": "F"}})
    assert answer.status_code == 201
    return answer.get_json()


def test_a_site_randomizes_only_at_its_own_site_with_study_wide_numbers(sponsor, site_world):
    _sponsor_randomizes(sponsor, "S02-001", "S02")
    _sponsor_randomizes(sponsor, "S02-002", "S02")
    client, headers, api = sponsor.app.test_client(), site_world["headers"], site_world["api"]
    ours = client.post(f"{api}/randomize", headers=headers, json={"subject": "S01-001", "site": "S01",
                                                                  "factors": {"sex": "M"}})
    assert ours.status_code == 201 and ours.get_json()["sequence"] == 3, ours.get_json()
    again = client.post(f"{api}/randomize", headers=headers, json={"subject": "S01-001", "site": "S01",
                                                                   "factors": {"sex": "M"}})
    assert again.status_code == 200 and again.get_json() == ours.get_json()
    elsewhere = client.post(f"{api}/randomize", headers=headers, json={"subject": "S02-009", "site": "S02",
                                                                       "factors": {"sex": "M"}})
    assert elsewhere.status_code == 422 and list(elsewhere.get_json()["fields"]) == ["site"]
    taken = client.post(f"{api}/randomize", headers=headers, json={"subject": "S02-001", "site": "S01",
                                                                   "factors": {"sex": "M"}})
    assert taken.status_code == 422 and "another site" in taken.get_json()["message"]
    owned = sponsor.run(lambda session: sorted(session.scalars(select(Allocation.subject)).all()))
    assert owned == ["S01-001", "S02-001", "S02-002"], "the site's randomization is the sponsor's record"


def test_a_site_sees_only_its_own_sites_subjects(sponsor, site_world):
    _sponsor_randomizes(sponsor, "S02-001", "S02")
    client = site_world["client"]
    assert client.post(f"{site_world['api']}/randomize", headers=site_world["headers"],
                       json={"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}}).status_code == 201
    ids = sponsor.run(lambda session: dict(session.execute(select(Allocation.subject, Allocation.id)).all()))
    study = sponsor.app.test_client().get(site_world["api"], headers=site_world["headers"]).get_json()
    assert [site["code"] for site in study["sites"]] == ["S01"]
    listing = client.get(f"/o/charite/rtsm/studies/{sponsor.study_id}/subjects").get_data(as_text=True)
    assert "S01-001" in listing and "S02-001" not in listing
    base = f"/o/charite/rtsm/studies/{sponsor.study_id}/subjects"
    assert client.get(f"{base}/{ids['S01-001']}").status_code == 200
    assert client.get(f"{base}/{ids['S02-001']}").status_code == 404
    # the gate refuses before any lookup (site staff hold no emergency_unblind): no id is revealed
    assert client.get(f"{base}/{ids['S02-001']}/unblind").status_code in (403, 404)


def test_an_organization_without_a_grant_gets_404_on_every_id(sponsor, make_user, make_org, grant_license):
    subject = _sponsor_randomizes(sponsor, "S01-001", "S01")
    allocation_id = sponsor.run(lambda session: session.scalar(select(Allocation.id)))
    stranger = make_user("eve@rival.example.org")
    rival = make_org("rival", owner=stranger)
    grant_license(rival, "rtsm", enable=True)
    client, headers = sponsor.login_as(stranger), sponsor.headers(stranger, rival)
    api = f"/api/v1/o/rival/rtsm/studies/{sponsor.study_id}"
    for path in (api, f"{api}/allocations", f"{api}/scheme/simulation"):
        assert client.get(path, headers=headers).status_code == 404, path
    for path, body in ((f"{api}/randomize", {"subject": "X", "site": "S01", "factors": {"sex": "F"}}),
                       (f"{api}/unblindings", {"subject": subject["subject"], "reason": REASON, "password": "x"})):
        assert client.post(path, headers=headers, json=body).status_code in (403, 404), path
    pages = f"/o/rival/rtsm/studies/{sponsor.study_id}"
    for path in (pages, f"{pages}/subjects", f"{pages}/subjects/{allocation_id}", f"{pages}/randomize",
                 f"{pages}/scheme"):
        assert client.get(path).status_code == 404, path


def test_a_site_investigator_unblinds_its_own_subject_only_and_the_sponsor_hears_of_it(sponsor):
    from sdk.testing.support import TEST_PASSWORD

    una = sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded")
    _sponsor_randomizes(sponsor, "S02-001", "S02")
    org, owner = sponsor.share_site("charite", "S01", ["investigator"], name="Charité", owner_holds=("investigator",))
    headers, api = sponsor.headers(owner, org), f"/api/v1/o/charite/rtsm/studies/{sponsor.study_id}"
    made = sponsor.app.test_client().post(f"{api}/randomize", headers=headers,
                                          json={"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}})
    assert made.status_code == 201
    body = {"subject": "S01-001", "reason": REASON, "password": TEST_PASSWORD}
    revealed = sponsor.app.test_client().post(f"{api}/unblindings", headers=headers, json=body)
    assert revealed.status_code == 201 and revealed.get_json()["unblinded_by"] == "Owner of charite"
    theirs = sponsor.app.test_client().post(f"{api}/unblindings", headers=headers, json={**body, "subject": "S02-001"})
    assert theirs.status_code == 422 and list(theirs.get_json()["fields"]) == ["subject"]
    notified = sponsor.login_as(una).get("/notifications").get_data(as_text=True)
    assert "Emergency unblinding of subject S01-001 at site S01" in notified
    trail = sponsor.app.test_client().get("/api/v1/o/acme-pharma/audit?tool=rtsm", headers=sponsor.headers())
    actions = [e["action"] for e in trail.get_json()["entries"] if e["entity_type"] == "unblinding"]
    assert actions.count("revealed") == 1 and "sign" in actions, "the code break is in the sponsor's trail"
