"""Queries and data quality through the JSON API: list, read, raise, answer and close; a site
organization closing gets 403; bad input 422 in the platform's shape; another organization 404;
the findings of the rules; every route documented with its schemas."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.edc.models import Query, Study, StudySite
from plugins.edc.services import entry, studies
from plugins.edc.services.layout import field_name

from ..pages.build_world import accept, make_grantees

EVENT = "SE.event_1"


@pytest.fixture
def world(sponsor, support):
    def make(session):
        study = session.get(Study, sponsor.study_id)
        ids = {}
        for key, site in (("101-001", "101"), ("102-001", "102")):
            subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key)
            entry.save_form(study, subject, EVENT, "F.vitals", {field_name("IG.vitals", 1, "IT.weight"): "70",
                                                                field_name("IG.vitals", 1, "IT.height"): "175"})
            ids[site] = subject.id
        return ids
    sponsor.subjects = sponsor.run(make)
    sponsor.headers = {"Authorization": f"Bearer {support.issue_token(sponsor.org, sponsor.owner)}"}
    return sponsor


def call(world, method, path, json=None, headers=None, org="acme-pharma"):
    client = world.app.test_client()
    return getattr(client, method)(f"/api/v1/o/{org}/edc{path}", json=json, headers=headers or world.headers)


def raise_on(world, site="101", **extra):
    body = {"subject_id": world.subjects[site], "event_oid": EVENT, "form_oid": "F.vitals", "item_oid": "IT.weight",
            "text": f"Weight at site {site}?", **extra}
    return call(world, "post", f"/studies/{world.study_id}/queries", body)


def test_raise_list_read_answer_and_close(world):
    raised = raise_on(world)
    assert raised.status_code == 201, raised.get_json()
    query = raised.get_json()
    assert (query["status"], query["origin"], query["item_oid"], query["group_oid"]) == ("new", "manual", "IT.weight",
                                                                                         "IG.vitals")
    assert query["actions"] == ["respond", "propose", "close", "not_applicable"]
    listed = call(world, "get", f"/studies/{world.study_id}/queries").get_json()
    assert listed["total"] == 1 and listed["queries"][0]["id"] == query["id"]
    answered = call(world, "post", f"/queries/{query['id']}/respond", {"body": "Checked."})
    assert answered.status_code == 200 and answered.get_json()["status"] == "updated"
    closed = call(world, "post", f"/queries/{query['id']}/close", {})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    one = call(world, "get", f"/queries/{query['id']}").get_json()
    assert [m["status_after"] for m in one["messages"]] == ["new", "updated", "closed"]
    assert call(world, "get", f"/studies/{world.study_id}/queries").get_json()["total"] == 0, "open ones by default"
    assert call(world, "get", f"/studies/{world.study_id}/queries?status=closed").get_json()["total"] == 1


def test_illegal_steps_and_bad_input_answer_422(world):
    query_id = raise_on(world).get_json()["id"]
    call(world, "post", f"/queries/{query_id}/close", {})
    again = call(world, "post", f"/queries/{query_id}/respond", {"body": "Late answer"})
    assert again.status_code == 422 and "cannot be answered" in again.get_json()["message"]
    bad = raise_on(world, text="", item_oid="IT.nothing")
    assert bad.status_code == 422
    assert "text" in bad.get_json()["fields"]
    no_form = raise_on(world, form_oid="F.labs")
    assert no_form.status_code == 422 and "form_oid" in no_form.get_json()["fields"]
    assert call(world, "get", f"/studies/{world.study_id}/queries?status=odd").status_code == 422
    assert world.run(lambda session: session.scalar(select(func.count(Query.id)))) == 1, "nothing written"


def test_a_site_organization_answers_but_closing_is_403(world, support, make_user, make_org, grant_license, login_as):
    own = raise_on(world, "101").get_json()["id"]
    other = raise_on(world, "102").get_json()["id"]
    grantees = make_grantees(make_user, make_org, grant_license, login_as)

    def share(session):
        return studies.share_study(session.get(Study, world.study_id), with_org="site-berlin",
                                   roles=["site_coordinator"], site=session.get(StudySite, world.site_ids["101"])).id
    accept(grantees.site_org, world.run(share))
    site_org = grantees.site_org
    headers = {"Authorization": f"Bearer {support.issue_token(site_org.org, site_org.owner)}"}
    listed = call(world, "get", f"/studies/{world.study_id}/queries", headers=headers, org="site-berlin").get_json()
    assert [q["id"] for q in listed["queries"]] == [own]
    assert call(world, "get", f"/queries/{other}", headers=headers, org="site-berlin").status_code == 404
    closing = call(world, "post", f"/queries/{own}/close", {"body": "done"}, headers=headers, org="site-berlin")
    assert closing.status_code == 403
    answer = call(world, "post", f"/queries/{own}/propose", {"body": "Corrected in the source."}, headers=headers,
                  org="site-berlin")
    assert answer.status_code == 200 and answer.get_json()["status"] == "proposed"
    assert call(world, "post", f"/studies/{world.study_id}/queries", {"subject_id": world.subjects["101"],
                "text": "A site raising"}, headers=headers, org="site-berlin").status_code == 403
    assert call(world, "get", f"/studies/{world.study_id}/quality", headers=headers, org="site-berlin").status_code \
        == 403


def test_another_organization_gets_404(world, support, make_user, make_org, grant_license):
    query_id = raise_on(world).get_json()["id"]
    owner = make_user("eve@other.example.org")
    other = make_org("other-pharma", owner=owner)
    grant_license(other, "edc", enable=True)
    headers = {"Authorization": f"Bearer {support.issue_token(other, owner)}"}
    for method, path in (("get", f"/queries/{query_id}"), ("post", f"/queries/{query_id}/close"),
                         ("get", f"/studies/{world.study_id}/queries"), ("get", f"/studies/{world.study_id}/quality")):
        assert call(world, method, path, {} if method == "post" else None, headers=headers,
                    org="other-pharma").status_code == 404, path
    assert world.run(lambda session: session.get(Query, query_id).status) == "new"


def test_the_findings_of_the_rules(world):
    found = call(world, "get", f"/studies/{world.study_id}/quality")
    assert found.status_code == 200
    data = found.get_json()
    assert set("ABCDEFGH") <= set(data["rules"]) and data["counts"]["B"] > 0
    assert {f["rule"] for f in data["findings"]} <= set(data["rules"])
    only_b = call(world, "get", f"/studies/{world.study_id}/quality?rules=B").get_json()
    assert set(only_b["counts"]) == {"B"} and all(f["rule"] == "B" for f in only_b["findings"])
    assert call(world, "get", f"/studies/{world.study_id}/quality?rules=Z").status_code == 422


def test_the_routes_are_in_the_openapi_document_with_their_schemas(world):
    paths = world.app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/o/{org}/edc"
    listing = paths[f"{base}/studies/{{study_id}}/queries"]
    assert listing["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.QueryList")
    assert listing["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.QueryIn")
    assert {"201", "403", "422"} <= set(listing["post"]["responses"])
    one = paths[f"{base}/queries/{{query_id}}"]["get"]
    assert one["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.QueryOut")
    step = paths[f"{base}/queries/{{query_id}}/{{action}}"]["post"]
    assert step["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.MessageIn")
    assert {"200", "403", "404", "422"} <= set(step["responses"])
    quality = paths[f"{base}/studies/{{study_id}}/quality"]["get"]
    assert quality["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("edc.Findings")


def test_a_row_of_a_group_that_does_not_repeat_is_refused(world):
    refused = raise_on(world, group_repeat=3)
    assert refused.status_code == 422 and "group_repeat" in refused.get_json()["fields"]


def test_a_query_on_the_subject_at_an_event(world):
    raised = call(world, "post", f"/studies/{world.study_id}/queries",
                  {"subject_id": world.subjects["102"], "event_oid": EVENT, "text": "Visit 1 date missing in the log."})
    assert raised.status_code == 201
    query = raised.get_json()
    assert (query["item_oid"], query["form_id"], query["event_oid"], query["site_id"]) == (
        None, None, EVENT, world.site_ids["102"])
    item_without_form = call(world, "post", f"/studies/{world.study_id}/queries",
                             {"subject_id": world.subjects["102"], "item_oid": "IT.weight", "text": "?"})
    assert item_without_form.status_code == 422 and "form_oid" in item_without_form.get_json()["fields"]
