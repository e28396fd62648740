"""A site organization works on the sponsor's study without its own edc license, limited to its
site: it sees and enters site 101's subjects, never 102's (pages, API, direct ids answer 404);
an organization without a grant sees nothing; after the grant is revoked, nothing."""
import os

import pytest

from plugins.edc.models import Study, StudySite
from plugins.edc.services import studies
from sdk import tool
from sdk.testing import accept_share, post_with_token, submit_form

from .pages.helpers import enroll, form_path, name


@pytest.fixture
def site_world(sponsor, make_user, make_org, login_as, support):
    site_owner = make_user("sam@charite.example.org", name="Sam Site")
    site_org = make_org("charite", owner=site_owner, name="Charité")
    ours, theirs = enroll(sponsor, "101-001", "101"), enroll(sponsor, "102-001", "102")

    def share(session):
        study = session.get(Study, sponsor.study_id)
        site = session.get(StudySite, sponsor.site_ids["101"])
        return studies.share_study(study, with_org="charite", roles=["site_coordinator"], site=site).id
    grant_id = sponsor.run(share)
    client = login_as(site_owner)
    accept_share(client, "charite", grant_id)
    token = support.issue_token(site_org, site_owner)
    return {"client": client, "grant_id": grant_id, "ours": ours, "theirs": theirs, "org": site_org,
            "headers": {"Authorization": f"Bearer {token}"}}


def test_the_site_sees_and_enters_only_its_own_site(sponsor, site_world):
    client, ours, theirs = site_world["client"], site_world["ours"], site_world["theirs"]
    listing = client.get(f"/o/charite/edc/studies/{sponsor.study_id}/subjects")
    assert listing.status_code == 200
    assert b">101-001</a>" in listing.data and b"102-001" not in listing.data and b"Lyon" not in listing.data
    assert client.get(f"/o/charite/edc/subjects/{ours}").status_code == 200
    assert client.get(f"/o/charite/edc/subjects/{theirs}").status_code == 404
    assert client.get(form_path("charite", theirs)).status_code == 404
    assert post_with_token(client, form_path("charite", theirs) + "/preview", {},
                           token_from=f"/o/charite/edc/subjects/{ours}").status_code == 404
    path = form_path("charite", ours)
    saved = submit_form(client, path, {name("weight"): "70", name("height"): "175"}, action=path + "?occurrence=1")
    assert saved.status_code == 302, saved.data[:2000]
    refused = post_with_token(client, form_path("charite", theirs), {name("weight"): "70"},
                              token_from=f"/o/charite/edc/subjects/{ours}")
    assert refused.status_code == 404
    page = f"/o/charite/edc/studies/{sponsor.study_id}/subjects"
    enrolled = submit_form(client, page, {"site_id": str(sponsor.site_ids["101"]), "subject_key": "101-002"},
                           action=page + "/enroll")
    assert enrolled.status_code == 302
    elsewhere = submit_form(client, page, {"site_id": str(sponsor.site_ids["102"]), "subject_key": "102-009"},
                            action=page + "/enroll")
    assert elsewhere.status_code == 422 and b"Choose one of the study" in elsewhere.data
    assert b"102-009" not in sponsor.client.get(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/subjects").data
    assert b">101-002</a>" in sponsor.client.get(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/subjects").data


def test_the_site_api_lists_and_reads_only_its_own_site(sponsor, site_world):
    app, headers = sponsor.app.test_client(), site_world["headers"]
    base = "/api/v1/o/charite/edc"
    listed = app.get(f"{base}/studies/{sponsor.study_id}/subjects", headers=headers)
    assert listed.status_code == 200 and [s["subject"] for s in listed.get_json()["subjects"]] == ["101-001"]
    assert app.get(f"{base}/studies/{sponsor.study_id}/subjects?site=102", headers=headers).get_json() == {
        "subjects": []}
    assert app.get(f"{base}/subjects/{site_world['theirs']}", headers=headers).status_code == 404
    theirs_form = f"{base}/subjects/{site_world['theirs']}/events/SE.event_1/forms/F.vitals"
    assert app.get(theirs_form, headers=headers).status_code == 404
    assert app.put(theirs_form, headers=headers, json={"values": {"weight": 70}}).status_code == 404
    ours_form = f"{base}/subjects/{site_world['ours']}/events/SE.event_1/forms/F.vitals"
    assert app.put(ours_form, headers=headers, json={"values": {"weight": 70}}).status_code == 200
    enrolled = app.post(f"{base}/studies/{sponsor.study_id}/subjects", headers=headers,
                        json={"subject": "102-777", "site": "102"})
    assert enrolled.status_code == 422 and "site" in enrolled.get_json()["fields"]


def test_an_organization_without_a_grant_sees_nothing(sponsor, site_world, make_user, make_org, grant_license,
                                                      login_as, support):
    owner = make_user("eve@other.example.org")
    other = make_org("other-pharma", owner=owner)
    grant_license(other, "edc", enable=True)
    client = login_as(owner)
    assert client.get(f"/o/other-pharma/edc/studies/{sponsor.study_id}/subjects").status_code == 404
    for subject_id in (site_world["ours"], site_world["theirs"]):
        assert client.get(f"/o/other-pharma/edc/subjects/{subject_id}").status_code == 404
        assert client.get(form_path("other-pharma", subject_id)).status_code == 404
    headers = {"Authorization": f"Bearer {support.issue_token(other, owner)}"}
    api = sponsor.app.test_client()
    assert api.get(f"/api/v1/o/other-pharma/edc/studies/{sponsor.study_id}/subjects", headers=headers).status_code == 404
    assert api.get(f"/api/v1/o/other-pharma/edc/subjects/{site_world['ours']}", headers=headers).status_code == 404


def test_after_the_grant_is_revoked_nothing(sponsor, site_world):
    sponsor.run(lambda session: tool().sharing.revoke(site_world["grant_id"]))
    client = site_world["client"]
    assert client.get(f"/o/charite/edc/studies/{sponsor.study_id}/subjects").status_code in (402, 404)
    assert client.get(f"/o/charite/edc/subjects/{site_world['ours']}").status_code in (402, 404)
    api = sponsor.app.test_client()
    answer = api.get(f"/api/v1/o/charite/edc/subjects/{site_world['ours']}", headers=site_world["headers"])
    assert answer.status_code in (402, 404) and b"101-001" not in answer.data
    assert b">101-001</a>" in sponsor.client.get(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/subjects").data, \
        "the sponsor keeps its data"


def test_a_monitor_of_the_cro_sees_every_site_read_only(sponsor, site_world, make_user, make_org, login_as, support):
    owner = make_user("mona@cro.example.org")
    make_org("cro", owner=owner)

    def share(session):
        return studies.share_study(session.get(Study, sponsor.study_id), with_org="cro", roles=["monitor"]).id
    grant_id = sponsor.run(share)
    client = login_as(owner)
    accept_share(client, "cro", grant_id)
    listing = client.get(f"/o/cro/edc/studies/{sponsor.study_id}/subjects")
    assert b">101-001</a>" in listing.data and b">102-001</a>" in listing.data
    assert b"Enroll a subject" not in listing.data
    page = client.get(form_path("cro", site_world["theirs"])).get_data(as_text=True)
    assert "Save and mark complete" not in page and "disabled" in page
    refused = post_with_token(client, form_path("cro", site_world["theirs"]), {name("weight"): "70"},
                              token_from=f"/o/cro/edc/subjects/{site_world['theirs']}")
    assert refused.status_code == 403


@pytest.mark.skipif("postgresql" not in os.environ.get("TRIALOFFICE_TEST_DATABASE_URL", ""),
                    reason="row-level security exists on PostgreSQL only; this test runs in the PostgreSQL pass")
def test_raw_sql_as_the_site_organization_sees_only_its_site_rows(sponsor, site_world):
    """The database's own wall: raw SQL in the site organization's scope (no ORM criteria) returns
    site 101's rows of every site-level table and none of site 102's; the study is visible."""
    from sqlalchemy import text

    for subject in (site_world["ours"], site_world["theirs"]):
        path = form_path("acme-pharma", subject)
        submit_form(sponsor.client, path, {name("weight"): "80", name("height"): "180"}, action=path + "?occurrence=1")

    def raw(session, table):
        return set(session.connection().execute(text(f"SELECT site_id FROM {table}")).scalars())
    site_101, site_102 = sponsor.site_ids["101"], sponsor.site_ids["102"]
    for table in ("edc_subject", "edc_event", "edc_form", "edc_item_value"):
        assert sponsor.run(raw, table) == {site_101, site_102}, table
        assert sponsor.run(raw, table, org=site_world["org"]) == {site_101}, table
    count = sponsor.run(lambda session: session.connection().execute(text("SELECT count(*) FROM edc_study")).scalar(),
                        org=site_world["org"])
    assert count == 1
