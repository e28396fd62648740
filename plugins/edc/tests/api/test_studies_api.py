"""The study build through the JSON API: create, import a dictionary (multipart and JSON), publish,
add sites, share with a CRO and a site organization; malformed files refused whole with the row
or element named; grantees and strangers kept out; every route documented with its schemas."""
from __future__ import annotations

import re

import pytest

from ..pages.build_world import (
    BAD_FIRST_FIELD,
    BAD_ODM,
    DICTIONARY,
    NON_CONTIGUOUS,
    accept,
    make_grantees,
    upload,
)

API = "/api/v1/o/acme-pharma/edc"


@pytest.fixture
def grantees(sponsor, make_user, make_org, grant_license, login_as):
    return make_grantees(make_user, make_org, grant_license, login_as)


@pytest.fixture
def bearer(sponsor, support):
    """``bearer(org, user)``: an API client's headers for that member (the sponsor's owner by default)."""
    def headers(org=None, user=None):
        return {"Authorization": f"Bearer {support.issue_token(org or sponsor.org, user or sponsor.owner)}"}
    return headers


@pytest.fixture
def api(app):
    return app.test_client()


def test_a_study_is_built_published_and_shared_through_the_api(sponsor, grantees, api, bearer):
    me = bearer()
    made = api.post(f"{API}/studies", json={"name": "Asthma 202", "protocol_name": "AST-202"}, headers=me)
    assert made.status_code == 201
    study = made.get_json()
    assert (study["oid"], study["own"], study["owner"], study["versions"]) == ("ASTHMA_202", True, "acme-pharma", [])
    base = f"{API}/studies/{study['id']}"

    imported = api.post(f"{base}/definitions", headers=me, content_type="multipart/form-data",
                        data={"format": "dictionary", "name": "First build", "file": upload(DICTIONARY, "ast.csv")})
    assert imported.status_code == 201, imported.get_json()
    assert imported.get_json()["published"] is False and imported.get_json()["name"] == "First build"
    again = api.post(f"{base}/definitions", headers=me, json={"format": "dictionary", "content": DICTIONARY.decode()})
    assert again.status_code == 201 and again.get_json()["number"] == 1, "a second import replaces the draft"

    published = api.post(f"{base}/versions/1/publish", headers=me)
    assert published.status_code == 200 and published.get_json()["published"] is True
    assert api.post(f"{base}/versions/1/publish", headers=me).status_code == 422, "published already"
    xml = api.get(f"{base}/versions/1/odm", headers={**me, "Accept": "application/xml"})
    assert xml.mimetype == "application/xml" and b"<MetaDataVersion " in xml.data
    assert api.get(f"{base}/versions/1/odm", headers=me).get_json()["odm"] == xml.get_data(as_text=True)

    for code in ("201", "202"):
        assert api.post(f"{base}/sites", headers=me, json={"code": code, "name": f"Site {code}"}).status_code == 201
    refused = api.post(f"{base}/sites", headers=me, json={"code": "201", "name": ""})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"code", "name"}
    assert [s["code"] for s in api.get(f"{base}/sites", headers=me).get_json()["sites"]] == ["201", "202"]

    cro = api.post(f"{base}/shares", headers=me, json={"org": "north-cro", "roles": ["data_manager", "monitor"]})
    site = api.post(f"{base}/shares", headers=me, json={"org": "site-berlin", "roles": ["site_coordinator"],
                                                          "site": "201"})
    assert (cro.status_code, site.status_code) == (201, 201)
    assert (site.get_json()["site"], site.get_json()["status"]) == ("201", "pending")
    accept(grantees.cro, cro.get_json()["id"])
    accept(grantees.site_org, site.get_json()["id"])
    assert {g["status"] for g in api.get(f"{base}/shares", headers=me).get_json()["grants"]} == {"active"}

    site_headers = bearer(grantees.site_org.org, grantees.site_org.owner)
    seen = api.get(f"/api/v1/o/site-berlin/edc/studies/{study['id']}", headers=site_headers).get_json()
    assert (seen["own"], seen["owner"]) == (False, "acme-pharma")
    assert [s["code"] for s in seen["sites"]] == ["201"], "a site organization sees its own site only"
    listed = api.get("/api/v1/o/site-berlin/edc/studies", headers=site_headers).get_json()["studies"]
    assert [s["name"] for s in listed] == ["Asthma 202"]


def test_a_file_upload_creates_a_study_with_its_definition(sponsor, api, bearer):
    odm = api.get(f"{API}/studies/{sponsor.study_id}/versions/1/odm", headers={**bearer(), "Accept": "application/xml"})
    from_odm = api.post(f"{API}/studies", headers=bearer(), content_type="multipart/form-data",
                        data={"format": "odm", "oid": "HF301B", "file": upload(odm.data, "hf301.xml")})
    assert from_odm.status_code == 201, from_odm.get_json()
    made = from_odm.get_json()
    assert (made["oid"], made["name"], made["protocol_name"]) == ("HF301B", "Heart failure 301", "HF-301")
    assert [(v["number"], v["published"]) for v in made["versions"]] == [(1, False)]
    assert from_odm.headers["Location"].endswith(f"/studies/{made['id']}")

    from_csv = api.post(f"{API}/studies", headers=bearer(), content_type="multipart/form-data",
                        data={"format": "dictionary", "name": "Asthma 202", "file": upload(DICTIONARY, "a.csv")})
    assert from_csv.status_code == 201 and from_csv.get_json()["oid"] == "ASTHMA_202"

    refused = api.post(f"{API}/studies", headers=bearer(), content_type="multipart/form-data",
                       data={"format": "dictionary", "file": upload(BAD_FIRST_FIELD, "bad.csv")})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"file", "name"}, "all at once"
    names = [s["name"] for s in api.get(f"{API}/studies", headers=bearer()).get_json()["studies"]]
    assert names == ["Asthma 202", "Heart failure 301", "Heart failure 301"], "nothing made by the refusal"


@pytest.mark.parametrize(("data", "fmt", "named"), [
    (BAD_FIRST_FIELD, "dictionary", "row 1 (study_id): the first field must be the record ID"),
    (NON_CONTIGUOUS, "dictionary", "row 3 (sex): form 'enrolment' appears again after 'vitals'"),
    (BAD_ODM, "odm", "ItemDef 'IT.weight' (line 2): DataType 'weird'"),
])
def test_a_malformed_file_is_refused_with_its_row_or_element_named(sponsor, api, bearer, data, fmt, named):
    base = f"{API}/studies/{sponsor.study_id}"
    for request in ({"content_type": "multipart/form-data", "data": {"format": fmt, "file": upload(data, "x.txt")}},
                    {"json": {"format": fmt, "content": data.decode()}}):
        refused = api.post(f"{base}/definitions", headers=bearer(), **request)
        assert refused.status_code == 422
        body = refused.get_json()
        assert body["error"] == "invalid_input" and any(named in p for p in body["fields"]["file"]), body
    versions = api.get(base, headers=bearer()).get_json()["versions"]
    assert [v["number"] for v in versions] == [1], "nothing imported"


def test_bad_bodies_get_the_one_422_with_every_field(sponsor, api, bearer):
    base = f"{API}/studies/{sponsor.study_id}"
    refused = api.post(f"{API}/studies", headers=bearer(), json={"oid": "9x", "colour": "red"})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"name", "colour"}, "the shape first"
    refused = api.post(f"{API}/studies", headers=bearer(), json={"name": "", "oid": "9x"})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"name", "oid"}
    refused = api.post(f"{base}/definitions", headers=bearer(), json={"format": "pdf"})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"format", "content"}
    refused = api.post(f"{base}/definitions", headers=bearer(), content_type="multipart/form-data", data={})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"file", "format"}
    refused = api.post(f"{base}/shares", headers=bearer(), json={"org": "nobody", "roles": ["data_manager"],
                                                                 "site": "999"})
    assert refused.status_code == 422 and "site" in refused.get_json()["fields"]
    refused = api.post(f"{base}/shares", headers=bearer(), json={"org": "x", "roles": ["king"]})
    assert refused.status_code == 422 and "roles.0" in refused.get_json()["fields"]


def test_an_oversized_definition_is_refused_before_it_is_read(sponsor, api, bearer):
    huge = DICTIONARY + b"x" * (6 * 1024 * 1024)
    answer = api.post(f"{API}/studies/{sponsor.study_id}/definitions", headers=bearer(),
                      content_type="multipart/form-data", data={"format": "dictionary", "file": upload(huge, "big.csv")})
    assert answer.status_code == 413 and answer.get_json()["message"]
    assert [v["number"] for v in api.get(f"{API}/studies/{sponsor.study_id}", headers=bearer()).get_json()[
        "versions"]] == [1]


def test_a_grantee_reads_the_study_but_cannot_change_its_build(sponsor, grantees, api, bearer):
    base = f"{API}/studies/{sponsor.study_id}"
    grant = api.post(f"{base}/shares", headers=bearer(), json={"org": "north-cro", "roles": ["data_manager"]})
    accept(grantees.cro, grant.get_json()["id"])
    cro = bearer(grantees.cro.org, grantees.cro.owner)
    theirs = f"/api/v1/o/north-cro/edc/studies/{sponsor.study_id}"
    assert api.get(theirs, headers=cro).get_json()["name"] == "Heart failure 301"
    assert api.get(f"{theirs}/versions/1/odm", headers=cro).status_code == 200
    for path, body in (("/definitions", {"format": "dictionary", "content": DICTIONARY.decode()}),
                       ("/versions/1/publish", None), ("/sites", {"code": "999", "name": "Rogue"}),
                       ("/shares", {"org": "other-pharma", "roles": ["monitor"]})):
        answer = api.post(theirs + path, headers=cro, json=body)
        assert answer.status_code == 403 and "owner" in answer.get_json()["message"], path
    assert api.get(f"{theirs}/shares", headers=cro).status_code == 403
    assert [s["code"] for s in api.get(f"{base}/sites", headers=bearer()).get_json()["sites"]] == ["101", "102"]


def test_another_organization_gets_404_for_everything_of_the_study(sponsor, grantees, api, bearer):
    stranger = bearer(grantees.stranger.org, grantees.stranger.owner)
    theirs = f"/api/v1/o/other-pharma/edc/studies/{sponsor.study_id}"
    assert api.get("/api/v1/o/other-pharma/edc/studies", headers=stranger).get_json() == {"studies": []}
    for path in ("", "/sites", "/versions/1/odm", "/shares"):
        assert api.get(theirs + path, headers=stranger).status_code == 404, path
    for path, body in (("/definitions", {"format": "dictionary", "content": "x"}), ("/versions/1/publish", None),
                       ("/sites", {"code": "9", "name": "x"}), ("/shares", {"org": "north-cro", "roles": ["monitor"]})):
        assert api.post(theirs + path, headers=stranger, json=body).status_code == 404, path
    assert api.delete(f"{theirs}/shares/1", headers=stranger).status_code == 404
    # and with the sponsor's own token, the stranger's organization is not reachable at all
    assert api.get("/api/v1/o/other-pharma/edc/studies", headers=bearer()).status_code == 404


def test_revoking_through_the_api_ends_access(sponsor, grantees, api, bearer):
    base = f"{API}/studies/{sponsor.study_id}"
    grant = api.post(f"{base}/shares", headers=bearer(), json={"org": "north-cro", "roles": ["monitor"]}).get_json()
    accept(grantees.cro, grant["id"])
    cro = bearer(grantees.cro.org, grantees.cro.owner)
    assert api.get(f"/api/v1/o/north-cro/edc/studies/{sponsor.study_id}", headers=cro).status_code == 200
    revoked = api.delete(f"{base}/shares/{grant['id']}", headers=bearer())
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert api.get(f"/api/v1/o/north-cro/edc/studies/{sponsor.study_id}", headers=cro).status_code in (402, 404)
    assert api.delete(f"{base}/shares/{grant['id']}", headers=bearer()).status_code == 404


def test_every_study_route_is_in_the_openapi_document_with_its_schemas(app, api):
    doc = api.get("/api/v1/openapi.json").get_json()
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/o/<org>/edc/")
             and rule.endpoint.rsplit(".", 1)[-1] in STUDY_ENDPOINTS]
    assert {rule.endpoint.rsplit(".", 1)[-1] for rule in rules} == STUDY_ENDPOINTS
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path][method.lower()]
            where = f"{method} {path}"
            if method == "POST":
                schema = next(iter(operation["requestBody"]["content"].values()))["schema"]
                assert schema.get("$ref", "").startswith("#/components/schemas/edc.") or schema.get("properties"), where
                assert "422" in operation["responses"], where
            successes = [answer for code, answer in operation["responses"].items() if code.startswith("2")]
            assert successes, where
            for answer in successes:
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.startswith("#/components/schemas/edc.") and doc["components"]["schemas"][
                    ref.rsplit("/", 1)[-1]]["properties"], where


STUDY_ENDPOINTS = {"list_studies", "create_study", "show_study", "import_definition", "publish_version",
                   "version_odm", "list_sites", "add_site", "list_shares", "share_study", "revoke_share"}
