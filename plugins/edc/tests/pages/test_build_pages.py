"""The study build through its pages: create, import a dictionary, publish, add sites, share
with a CRO and a site organization who accept on their Sharing page; malformed files refused
whole with the row or element named; grantees and strangers kept out of the build."""
from __future__ import annotations

import pytest

from sdk.testing import post_with_token, submit_form

from .build_world import (
    BAD_FIRST_FIELD,
    BAD_ODM,
    DICTIONARY,
    NON_CONTIGUOUS,
    accept,
    grant_ids,
    make_grantees,
    upload,
)

ORG = "acme-pharma"
BASE = f"/o/{ORG}/edc"


@pytest.fixture
def grantees(sponsor, make_user, make_org, grant_license, login_as):
    return make_grantees(make_user, make_org, grant_license, login_as)


@pytest.fixture
def data_manager(make_user, make_org, grant_license, login_as):
    """A sponsor with edc and no study yet: its owner's signed-in client."""
    owner = make_user("dana@beta-bio.example.org", name="Dana Manager")
    grant_license(make_org("beta-bio", owner=owner), "edc", enable=True)
    return login_as(owner)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_empty_list_says_to_create_a_study_and_the_new_study_form_refuses_every_problem(data_manager):
    listing = text(data_manager.get("/o/beta-bio/edc/"))
    assert "No studies yet" in listing and "Create a study" in listing
    refused = submit_form(data_manager, "/o/beta-bio/edc/studies/new",
                          {"name": "", "oid": "9 bad", "protocol_name": "x" * 201})
    assert refused.status_code == 422
    page = text(refused)
    assert "Please correct the following (3)" in page and "Enter the study" in page and "x" * 201 in page


def test_a_data_manager_builds_publishes_and_shares_a_study(sponsor, grantees):
    client = sponsor.client
    made = submit_form(client, f"{BASE}/studies/new", {"name": "Asthma 202", "oid": "AST202",
                                                       "protocol_name": "AST-202"})
    assert made.status_code == 302
    study_page = made.location
    study_id = int(study_page.rstrip("/").rsplit("/", 1)[-1])
    assert "The study has no definition yet" in text(client.get(study_page))

    imported = submit_form(client, f"{BASE}/studies/{study_id}/definitions/new",
                           {"format": "dictionary", "name": "First build", "file": upload(DICTIONARY, "ast.csv")})
    assert imported.status_code == 302, text(imported).split('error-summary', 1)[-1][:1500]
    hub = text(client.get(study_page))
    assert "First build" in hub and "draft" in hub and "Publish…" in hub

    browser = text(client.get(f"{BASE}/studies/{study_id}/versions/1"))
    for shown in ("Weight (kg)", "[smoker] = &#39;2&#39;", "round([weight]*10000/([height]*[height]),1)",
                  "Never", "required", "≥ 30 (soft)"):
        assert shown in browser, shown

    confirm = client.get(f"{BASE}/studies/{study_id}/versions/1/publish")
    assert confirm.status_code == 200 and "never changes" in text(confirm)
    published = submit_form(client, f"{BASE}/studies/{study_id}/versions/1/publish", {},
                            action=f"{BASE}/studies/{study_id}/versions/1/publish")
    assert published.status_code == 302
    assert "published" in text(client.get(study_page)) and "Publish…" not in text(client.get(study_page))

    for code, name in (("201", "Charité Berlin"), ("202", "Hôpital Lyon")):
        added = submit_form(client, study_page, {"code": code, "name": name}, action=f"{study_page}/sites")
        assert added.status_code == 302
    duplicate = submit_form(client, study_page, {"code": "201", "name": "Again"}, action=f"{study_page}/sites")
    assert duplicate.status_code == 422 and "has a site 201 already" in text(duplicate)

    hub = text(client.get(study_page))
    site_201 = int(_option_value(hub, "Site 201"))
    shared = submit_form(client, study_page, {"org": "north-cro", "roles": ["data_manager", "monitor"], "site": ""},
                         action=f"{study_page}/shares")
    assert shared.status_code == 302
    shared = submit_form(client, study_page, {"org": "site-berlin", "roles": ["site_coordinator", "investigator"],
                                              "site": str(site_201)}, action=f"{study_page}/shares")
    assert shared.status_code == 302
    cro_grant, site_grant = grant_ids(text(client.get(study_page)))
    accept(grantees.cro, cro_grant)
    accept(grantees.site_org, site_grant)
    hub = text(client.get(study_page))
    assert hub.count("badge-active\">active") == 2 and "Site 201 Charité Berlin" in hub

    cro_list = text(grantees.cro.client.get("/o/north-cro/edc/"))
    assert "Asthma 202" in cro_list and "by acme-pharma" in cro_list and "Heart failure 301" not in cro_list
    assert "New study" not in cro_list, "the CRO works on the sponsor's license: no studies of its own"
    site_page = text(grantees.site_org.client.get(f"/o/site-berlin/edc/studies/{study_id}"))
    assert "Charité Berlin" in site_page and "Hôpital Lyon" not in site_page, "a site organization sees its site"
    assert "Invite an organization" not in site_page and "Shared with your organization" in site_page

    odm = client.get(f"{BASE}/studies/{study_id}/versions/1/odm.xml")
    assert odm.mimetype == "application/xml" and b"<MetaDataVersion" in odm.data
    csv = grantees.cro.client.get(f"/o/north-cro/edc/studies/{study_id}/versions/1/dictionary.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith(b'"Variable / Field Name"')
    assert b"weight,vitals" in csv.data


def _option_value(html: str, label_start: str) -> str:
    before = html.split(f">{label_start}", 1)[0]
    return before.rsplit('value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("data", "fmt", "named"), [
    (BAD_FIRST_FIELD, "dictionary", "Row 1 (study_id): the first field must be the record ID"),
    (NON_CONTIGUOUS, "dictionary", "Row 3 (sex): form &#39;enrolment&#39; appears again after &#39;vitals&#39;"),
    (BAD_ODM, "odm", "ItemDef &#39;IT.weight&#39; (line 2): DataType &#39;weird&#39;"),
])
def test_a_malformed_file_is_refused_naming_its_row_or_element_and_nothing_is_imported(sponsor, data, fmt, named):
    page = f"{BASE}/studies/{sponsor.study_id}/definitions/new"
    refused = submit_form(sponsor.client, page, {"format": fmt, "file": upload(data, "bad.csv")})
    assert refused.status_code == 422
    assert "The file was not imported" in text(refused) and named in text(refused)
    assert sponsor.client.get(f"{BASE}/studies/{sponsor.study_id}/versions/2").status_code == 404, "no draft"


def test_a_file_that_is_not_text_or_is_missing_is_refused(sponsor):
    page = f"{BASE}/studies/{sponsor.study_id}/definitions/new"
    missing = submit_form(sponsor.client, page, {"format": "dictionary"})
    assert missing.status_code == 422 and "Choose the definition file" in text(missing)
    binary = submit_form(sponsor.client, page, {"format": "odm", "file": upload(b"%PDF-1.4\n\x00\x01", "odm.xml")})
    assert binary.status_code == 422 and "can be uploaded here" in text(binary)


def test_sharing_refuses_unknown_organizations_and_cro_roles_for_a_site(sponsor, grantees):
    page = f"{BASE}/studies/{sponsor.study_id}"
    refused = submit_form(sponsor.client, page, {"org": "site-berlin", "roles": ["data_manager"],
                                                 "site": str(sponsor.site_ids["101"])}, action=f"{page}/shares")
    assert refused.status_code == 422 and "site coordinator or investigator" in text(refused)
    unknown = submit_form(sponsor.client, page, {"org": "nobody-here", "roles": ["monitor"], "site": ""},
                          action=f"{page}/shares")
    assert unknown.status_code == 422 and grant_ids(text(unknown)) == []


def test_revoking_ends_the_grantees_access(sponsor, grantees):
    page = f"{BASE}/studies/{sponsor.study_id}"
    submit_form(sponsor.client, page, {"org": "north-cro", "roles": ["monitor"], "site": ""}, action=f"{page}/shares")
    (grant_id,) = grant_ids(text(sponsor.client.get(page)))
    accept(grantees.cro, grant_id)
    assert grantees.cro.client.get(f"/o/north-cro/edc/studies/{sponsor.study_id}").status_code == 200
    revoked = submit_form(sponsor.client, page, {}, action=f"{page}/shares/{grant_id}/revoke")
    assert revoked.status_code == 302 and grant_ids(text(sponsor.client.get(page))) == []
    assert grantees.cro.client.get(f"/o/north-cro/edc/studies/{sponsor.study_id}").status_code in (402, 404)


def test_a_grantee_sees_the_study_but_cannot_import_publish_share_or_add_sites(sponsor, grantees):
    page = f"{BASE}/studies/{sponsor.study_id}"
    submit_form(sponsor.client, page, {"org": "north-cro", "roles": ["data_manager"], "site": ""},
                action=f"{page}/shares")
    accept(grantees.cro, grant_ids(text(sponsor.client.get(page)))[0])
    cro = grantees.cro.client
    theirs = f"/o/north-cro/edc/studies/{sponsor.study_id}"
    shown = text(cro.get(theirs))
    assert "Heart failure 301" in shown and "Import a definition" not in shown and "Add a site" not in shown
    assert cro.get(f"{theirs}/versions/1").status_code == 200
    assert cro.get(f"{theirs}/definitions/new").status_code == 403
    for action, data in ((f"{theirs}/definitions/new", {"format": "dictionary"}),
                         (f"{theirs}/versions/1/publish", {}),
                         (f"{theirs}/sites", {"code": "999", "name": "Rogue"}),
                         (f"{theirs}/shares", {"org": "other-pharma", "roles": "monitor"})):
        assert post_with_token(cro, action, data, token_from=theirs).status_code == 403, action
    assert "999" not in text(sponsor.client.get(page))


def test_another_organization_cannot_see_or_change_the_study(sponsor, grantees):
    stranger = grantees.stranger.client
    base = f"/o/other-pharma/edc/studies/{sponsor.study_id}"
    assert "Heart failure 301" not in text(stranger.get("/o/other-pharma/edc/"))
    for path in ("", "/versions/1", "/versions/1/odm.xml", "/versions/1/dictionary.csv", "/definitions/new",
                 "/versions/1/publish"):
        assert stranger.get(base + path).status_code == 404, path
    for path, data in (("/sites", {"code": "999", "name": "Rogue"}), ("/shares", {"org": "north-cro"}),
                       ("/versions/1/publish", {}), ("/shares/1/revoke", {})):
        assert post_with_token(stranger, base + path, data, token_from="/o/other-pharma/edc/").status_code == 404
    # and the sponsor's own member without a grant of anything else sees only the sponsor's study
    assert sponsor.client.get(f"{BASE}/studies/{sponsor.study_id + 1000}").status_code == 404
