"""GET /api/v1/o/<org>/edocs/search: the documented answer, 422s with a message, 404 for a
binder the caller cannot see, and no hit from another organization or another site."""
from __future__ import annotations

import pytest

from .files import docx_with, pdf_with

URL = "/api/v1/o/{slug}/edocs/search"


def get(sponsor, user=None, org=None, **params):
    org = org or sponsor.org
    return sponsor.app.test_client().get(URL.format(slug=org.slug), query_string=params,
                                         headers=sponsor.headers(user, org))


def test_results_name_the_document_binder_artifact_version_and_snippet(sponsor):
    sponsor.file("02.01.01", pdf_with("Protocol synopsis", "The primary endpoint is levosimendan tolerability"),
                 "synopsis.pdf", title="Synopsis")
    answer = get(sponsor, q="levosimendan")
    assert answer.status_code == 200
    [result] = answer.get_json()["results"]
    assert result["title"] == "Synopsis" and result["study_id"] == sponsor.study_id
    assert result["artifact"] == "02.01.01" and result["site"] is None
    assert result["version"]["number"] == 1 and result["version"]["status"] == "draft"
    assert "levosimendan tolerability" in result["snippet"] and "\ue000" not in result["snippet"]


def test_a_docx_word_is_found_and_the_study_filter_and_limit_apply(sponsor):
    sponsor.file("05.02.04", docx_with("Board certified in electrophysiology"), "cv.docx", level="site",
                 site="102", title="CV Meridian")
    assert [r["title"] for r in get(sponsor, q="electrophysiology", study=sponsor.study_id).get_json()["results"]] \
        == ["CV Meridian"]
    assert get(sponsor, q="electrophysiology", limit=1).get_json()["results"][0]["site"] == "102"


def test_a_site_organization_and_an_organization_without_a_grant_get_no_hit(sponsor, outsider):
    sponsor.file("05.02.04", docx_with("Meridian electrophysiology lab certificate"), "lab.docx", level="site",
                 site="102", title="Lab certificate 102")
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    other_org, other_owner = outsider
    assert len(get(sponsor, q="electrophysiology").get_json()["results"]) == 1
    assert get(sponsor, site_owner, site_org, q="electrophysiology").get_json() == {"results": []}
    assert get(sponsor, other_owner, other_org, q="electrophysiology").get_json() == {"results": []}
    assert get(sponsor, other_owner, other_org, q="electrophysiology", study=sponsor.study_id).status_code == 404


@pytest.mark.parametrize("words", ['"', "*", "NEAR(a b", "-x", "a OR", "x" * 300, "", "  "])
def test_odd_searches_answer_200_or_a_422_that_names_the_search(sponsor, words):
    sponsor.file(data=b"a b c\n", filename="abc.txt")
    answer = get(sponsor, q=words)
    assert answer.status_code in (200, 422)
    if answer.status_code == 422:
        body = answer.get_json()
        assert body["error"] == "invalid_input" and "q" in body["fields"]


def test_missing_search_bad_limit_and_unknown_parameters_answer_422(sponsor):
    assert get(sponsor).status_code == 422
    assert "limit" in get(sponsor, q="dose", limit=500).get_json()["fields"]
    assert get(sponsor, q="dose", colour="red").status_code == 422


def test_the_route_is_in_the_openapi_document(sponsor):
    document = sponsor.app.test_client().get("/api/v1/openapi.json").get_json()
    operation = next(item["get"] for path, item in document["paths"].items() if path.endswith("/edocs/search"))
    assert {p["name"] for p in operation["parameters"]} >= {"q", "study", "limit"}
    assert "200" in operation["responses"] and "422" in operation["responses"]
