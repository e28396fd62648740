"""No 500 from input: ids beyond what an id column holds answer 404, numbers out of range 422 with the field
named, HEAD answers wherever GET does, and the audit page offers only the organization's tools."""
from __future__ import annotations

import re

import pytest

from sdk.numbers import ROW_ID_MAX
from sdk.testing import csrf_token

BEYOND_64_BITS = "99999999999999999999999"
#: Values for the arguments of URL rules, so that every GET route can be asked for.
SAMPLE_ARGUMENTS = {"key": "testtool", "fmt": "csv", "slug": "acme", "token": "not-a-token",
                    "filename": "app.css"}


@pytest.fixture
def acme(make_user, make_org, grant_license, login_as, support, client):
    """acme with the test tool and site_select, its owner a platform admin, signed in; a few
    records, so that rules with ids find some."""
    owner = make_user("owner@acme.example.org", platform_admin=True)
    org = make_org("acme", owner=owner)
    for tool in ("testtool", "site_select"):
        grant_license(org, tool, enable=True)
    token = support.issue_token(org, owner)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/o/acme/testtool/records", json={"title": "First"}, headers=headers).status_code < 300
    site = client.post("/api/v1/o/acme/site_select/sites", json={"name": "Berlin Heart Center", "country": "DE"},
                       headers=headers)
    assert site.status_code == 201
    return org, owner, login_as(owner), headers


@pytest.mark.parametrize("path", [
    f"/o/acme/testtool/records/{BEYOND_64_BITS}",
    f"/o/acme/site_select/sites/{BEYOND_64_BITS}",
    f"/o/acme/site_select/shortlists/{BEYOND_64_BITS}/export.csv",
    f"/o/acme/members/{BEYOND_64_BITS}/permissions",
    f"/admin/licenses/{BEYOND_64_BITS}",
    f"/admin/billing/invoices/{BEYOND_64_BITS}",
    f"/o/acme/site_select/sites/{2**63}",
    f"/o/acme/site_select/sites/{ROW_ID_MAX + 1}",
    f"/o/acme/site_select/sites/{ROW_ID_MAX}",
])
def test_ids_beyond_64_bits_answer_404_on_pages(acme, path):
    assert acme[2].get(path).status_code == 404


@pytest.mark.parametrize("method, path", [
    ("GET", f"/api/v1/o/acme/site_select/shortlists/{BEYOND_64_BITS}"),
    ("GET", f"/api/v1/o/acme/site_select/imports/{BEYOND_64_BITS}"),
    ("POST", f"/api/v1/o/acme/site_select/sites/{BEYOND_64_BITS}/history"),
    ("POST", f"/api/v1/o/acme/site_select/shortlists/{BEYOND_64_BITS}/hand-off"),
])
def test_ids_beyond_64_bits_answer_404_in_the_api(acme, client, method, path):
    response = client.open(path, method=method, json={}, headers=acme[3])
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_the_document_bounds_integer_path_parameters(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    parameters = doc["paths"]["/api/v1/o/{org}/site_select/shortlists/{shortlist_id}"]["parameters"]
    (shortlist_id,) = [p for p in parameters if p["name"] == "shortlist_id"]
    assert shortlist_id["schema"] == {"type": "integer", "minimum": 0, "maximum": ROW_ID_MAX}


def test_paging_and_limits_beyond_any_number_do_not_fail(acme, client):
    page = acme[2].get(f"/o/acme/audit?page={BEYOND_64_BITS}")
    assert page.status_code == 200 and "First" in page.get_data(as_text=True)
    limit = client.get(f"/api/v1/o/acme/audit?limit={BEYOND_64_BITS}", headers=acme[3])
    assert limit.status_code == 422 and "limit" in limit.get_json()["message"]


def test_a_member_id_beyond_64_bits_is_refused_not_a_500(acme):
    client = acme[2]
    response = client.post("/o/acme/billing/testtool/seats/assign",
                           data={"user_id": BEYOND_64_BITS, "csrf_token": csrf_token(client, "/o/acme/billing")})
    assert response.status_code in (409, 422)
    assert "Choose a member of this organization" in response.get_data(as_text=True)


def test_a_refund_beyond_any_amount_is_refused_not_a_500(acme):
    client = acme[2]
    response = client.post(f"/admin/billing/invoices/{BEYOND_64_BITS}/refund",
                           data={"amount": BEYOND_64_BITS, "csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 404


def _url(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _get_routes(app):
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def _head_answers_like_get(client, url):
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code, (url, got.status_code, head.status_code)
    assert head.status_code not in (405, 500) and head.data == b"", url


def test_head_answers_wherever_get_does_signed_in_and_out(app, acme, client):
    values = {**SAMPLE_ARGUMENTS, "org": "acme"}
    routes = _get_routes(app)
    assert len(routes) > 40
    for rule in routes:
        url = _url(rule, {**values, **{name: 1 for name in rule.arguments if name not in values}})
        _head_answers_like_get(acme[2], url)
        _head_answers_like_get(client, url)


def test_audit_page_offers_only_the_tools_in_the_organizations_own_trail(acme, make_user, make_org, grant_license,
                                                                        support, client, login_as):
    other_owner = make_user("owner@other.example.org")
    other = make_org("other", owner=other_owner)
    grant_license(other, "testtool", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(other, other_owner)}"}
    assert client.post("/api/v1/o/other/testtool/records", json={"title": "Theirs"}, headers=headers).status_code < 300
    assert {"testtool", "site_select"} <= _tool_options(acme[2], "/o/acme/audit")
    theirs = _tool_options(login_as(other_owner), "/o/other/audit")
    assert "testtool" in theirs and "site_select" not in theirs
    assert "site_select" in _tool_options(acme[2], "/admin/audit")
    assert "site_select" not in _tool_options(acme[2], "/admin/audit?org=other")


def _tool_options(client, path: str) -> set[str]:
    page = client.get(path).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="tool"[^>]*>(.*?)</select>', page, re.S).group(1)
    return set(re.findall(r'<option value="([^"]+)"', select))


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/api/v1/o/acme/audit?user=a%00b", None),
    ("GET", "/api/v1/tools?q=%00", None),
    ("POST", "/api/v1/o/acme/site_select/sites", {"name": "Nul\x00Clinic", "country": "DE"}),
    ("POST", "/api/v1/o/acme/testtool/records", {"title": "ok", "tags": ["\x00"]}),
])
def test_a_nul_character_in_any_text_is_refused_in_the_api(acme, client, method, path, body):
    response = client.open(path, method=method, json=body, headers=acme[3])
    assert response.status_code == 400 and "NUL" in response.get_json()["message"]


def test_a_nul_character_in_a_page_request_is_refused(acme):
    client = acme[2]
    assert client.get("/o/acme/audit?entity_id=%00").status_code == 400
    assert client.get("/marketplace/site%00select").status_code == 400
    response = client.post("/o/acme/tokens", data={"name": "a\x00b", "csrf_token": csrf_token(client, "/o/acme/tokens")})
    assert response.status_code == 400


def test_json_nested_beyond_the_parser_answers_400(acme, client):
    depth = 100_000
    response = client.post("/api/v1/o/acme/site_select/sites", data="[" * depth + "]" * depth, content_type="application/json",
                           headers=acme[3])
    assert response.status_code == 400 and response.get_json()["message"]
