"""Query and data quality pages: the study's queries with filters and an empty state, raising a
query on an item by hand, the query page's actions by role, a site organization seeing only its
own site's queries and unable to close them, another organization guessing ids (404), and the
data quality page with its custom rules."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from plugins.edc.models import Query, Rule, Study, StudySite
from plugins.edc.services import entry, queries, studies
from sdk.testing import post_with_token, submit_form

from .build_world import accept, make_grantees
from .helpers import EVENT, form_path, name


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def with_query(sponsor, key, site, text="Please check the weight."):
    """A subject of ``site`` with vitals and an open query on its weight: (subject, form, query) ids."""
    def make(session):
        study = session.get(Study, sponsor.study_id)
        subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key)
        form = entry.save_form(study, subject, EVENT, "F.vitals", {name("weight"): "70", name("height"): "175"}).form
        query = queries.raise_query(subject, text, form=form, item_oid="IT.weight", group_oid="IG.vitals",
                                    check_rights=False)
        return subject.id, form.id, query.id
    return sponsor.run(make)


def base(sponsor, org="acme-pharma"):
    return f"/o/{org}/edc/studies/{sponsor.study_id}"


def test_the_query_list_has_an_empty_state_and_filters(sponsor):
    empty = text_of(sponsor.client.get(base(sponsor) + "/queries"))
    assert "No open queries" in empty and "Run the data quality rules" in empty
    with_query(sponsor, "101-001", "101", "Weight at site 101?")
    with_query(sponsor, "102-001", "102", "Weight at site 102?")
    both = text_of(sponsor.client.get(base(sponsor) + "/queries"))
    assert "Weight at site 101?" in both and "Weight at site 102?" in both and "2 of 2 queries" in both
    only = text_of(sponsor.client.get(base(sponsor) + f"/queries?site={sponsor.site_ids['102']}"))
    assert "Weight at site 102?" in only and "Weight at site 101?" not in only
    closed = text_of(sponsor.client.get(base(sponsor) + "/queries?status=closed"))
    assert "No queries match these filters." in closed


def test_raising_a_query_on_an_item_by_hand(sponsor):
    subject_id, form_id, _ = with_query(sponsor, "101-001", "101")
    page = f"/o/acme-pharma/edc/subjects/{subject_id}/events/{EVENT}/forms/F.vitals/items/IT.height/query"
    blank = submit_form(sponsor.client, page, {"text": "  "})
    assert blank.status_code == 422 and "Write the query." in text_of(blank)
    raised = submit_form(sponsor.client, page, {"text": "Height of 175 cm: please confirm."})
    assert raised.status_code == 302
    shown = text_of(sponsor.client.get(raised.headers["Location"]))
    assert "Height of 175 cm: please confirm." in shown and "IT.height" in shown and "175" in shown
    assert 'class="record-history"' in shown
    assert sponsor.client.get(page.replace("IT.height", "IT.nothing")).status_code == 404


def test_the_query_page_moves_the_query_along(sponsor):
    _, _, query_id = with_query(sponsor, "101-001", "101")
    page = f"/o/acme-pharma/edc/queries/{query_id}"
    shown = text_of(sponsor.client.get(page))
    assert "Respond" in shown and "Close" in shown and "Reopen" not in shown
    answered = submit_form(sponsor.client, page, {"body": "Scale log checked."}, action=f"{page}/respond")
    assert answered.status_code == 302
    refused = post_with_token(sponsor.client, f"{page}/respond", {"body": ""}, token_from=page)
    assert refused.status_code == 422 and "Write your message." in text_of(refused)
    assert post_with_token(sponsor.client, f"{page}/close", {"body": ""}, token_from=page).status_code == 302
    twice = post_with_token(sponsor.client, f"{page}/close", {"body": ""}, token_from=page)
    assert twice.status_code == 422 and "cannot be closed" in text_of(twice)
    shown = text_of(sponsor.client.get(page))
    assert "Closed" in shown and "Scale log checked." in shown and "Reopen" in shown


@pytest.fixture
def site_org(sponsor, make_user, make_org, grant_license, login_as):
    """site-berlin, invited as site coordinator of site 101 and accepted."""
    grantees = make_grantees(make_user, make_org, grant_license, login_as)

    def share(session):
        study = session.get(Study, sponsor.study_id)
        return studies.share_study(study, with_org="site-berlin", roles=["site_coordinator"],
                                   site=session.get(StudySite, sponsor.site_ids["101"])).id
    accept(grantees.site_org, sponsor.run(share))
    return grantees


def test_a_site_organization_sees_its_site_queries_answers_them_and_cannot_close(sponsor, site_org):
    _, _, own = with_query(sponsor, "101-001", "101", "Weight at site 101?")
    _, _, other = with_query(sponsor, "102-001", "102", "Weight at site 102?")
    client = site_org.site_org.client
    listed = text_of(client.get(base(sponsor, "site-berlin") + "/queries"))
    assert "Weight at site 101?" in listed and "Weight at site 102?" not in listed
    assert client.get(f"/o/site-berlin/edc/queries/{other}").status_code == 404
    page = f"/o/site-berlin/edc/queries/{own}"
    shown = text_of(client.get(page))
    assert "Respond" in shown and "Close" not in shown
    assert post_with_token(client, f"{page}/close", {"body": "done"}, token_from=page).status_code == 403
    assert post_with_token(client, f"{page}/respond", {"body": "Corrected."}, token_from=page).status_code == 302
    assert sponsor.run(lambda session: session.get(Query, own).status) == "updated"
    assert client.get(base(sponsor, "site-berlin") + "/quality").status_code == 403


def test_another_organization_guessing_ids_gets_404(sponsor, make_user, make_org, grant_license, login_as):
    subject_id, _, query_id = with_query(sponsor, "101-001", "101")
    grantees = make_grantees(make_user, make_org, grant_license, login_as)
    stranger = grantees.stranger.client
    assert stranger.get(f"/o/other-pharma/edc/queries/{query_id}").status_code == 404
    assert stranger.get(f"/o/other-pharma/edc/studies/{sponsor.study_id}/queries").status_code == 404
    assert stranger.get(f"/o/other-pharma/edc/studies/{sponsor.study_id}/quality").status_code == 404
    page = f"/o/other-pharma/edc/queries/{query_id}"
    assert post_with_token(stranger, f"{page}/close", {"body": ""}, token_from="/o/other-pharma/edc/").status_code \
        == 404
    item = f"/o/other-pharma/edc/subjects/{subject_id}/events/{EVENT}/forms/F.vitals/items/IT.weight/query"
    assert stranger.get(item).status_code == 404
    assert sponsor.run(lambda session: session.get(Query, query_id).status) == "new"


def test_the_data_quality_page_counts_findings_and_raises_queries(sponsor):
    page = base(sponsor) + "/quality"
    empty = sponsor.client.get(page)
    assert empty.status_code == 200 and "No findings" in text_of(empty)
    with_query(sponsor, "101-001", "101")
    shown = text_of(sponsor.client.get(page))
    assert 'data-rule="B"' in shown and "Blank values of required fields" in shown
    assert 'class="chart"' in shown and "Findings per rule" in shown
    none = submit_form(sponsor.client, page, {}, action=page + "/queries")
    assert none.status_code == 422 and "Tick the rules" in text_of(none)
    raised = submit_form(sponsor.client, page, {"rule": ["B"]}, action=page + "/queries")
    assert raised.status_code == 302
    origins = sponsor.run(lambda session: {(q.origin, q.rule) for q in session.scalars(select(Query))})
    assert ("rule", "B") in origins and origins <= {("rule", "B"), ("manual", None)}


def test_custom_rules_are_validated_against_the_study_and_run(sponsor):
    with_query(sponsor, "101-001", "101")
    rules = base(sponsor) + "/rules"
    empty = text_of(sponsor.client.get(rules))
    assert "No custom rules yet" in empty
    bad = submit_form(sponsor.client, rules, {"name": "", "expression": "[nope] > 1 and [weight] >", "severity": "x"})
    message = text_of(bad)
    assert bad.status_code == 422 and "Name the rule" in message and "Choose warning or error" in message
    unknown = submit_form(sponsor.client, rules, {"name": "Heavy", "expression": "[nope] > 1", "severity": "warning"})
    assert unknown.status_code == 422 and "Unknown field [nope]" in text_of(unknown)
    added = submit_form(sponsor.client, rules, {"name": "Heavy", "expression": "[weight] > 60", "severity": "warning"})
    assert added.status_code == 302
    listed = text_of(sponsor.client.get(rules))
    assert "[weight] > 60" in listed
    quality = text_of(sponsor.client.get(base(sponsor) + "/quality"))
    rule_id = sponsor.run(lambda session: session.scalar(select(Rule.id)))
    assert f'data-rule="R{rule_id}"' in quality and "Heavy" in quality, "the rule runs with A to H"
    assert "Heavy" in text_of(sponsor.client.get(base(sponsor) + "/quality")).split('id="rule-R', 1)[1]
    switch = submit_form(sponsor.client, rules, {}, action=f"/o/acme-pharma/edc/rules/{rule_id}/disable")
    assert switch.status_code == 302 and "Switch on" in text_of(sponsor.client.get(rules))
    assert f'data-rule="R{rule_id}"' not in text_of(sponsor.client.get(base(sponsor) + "/quality"))


def test_saving_a_form_with_a_soft_problem_raises_an_auto_query_once(sponsor):
    subject_id = sponsor.run(lambda session: entry.enroll(session.get(Study, sponsor.study_id),
                                                          session.get(StudySite, sponsor.site_ids["101"]), "101-001").id)
    page = form_path("acme-pharma", subject_id)
    saved = submit_form(sponsor.client, page, {name("weight"): "70", name("height"): "175", name("sbp"): "230"})
    assert saved.status_code == 302, text_of(saved)[:400]
    again = submit_form(sponsor.client, page, {name("weight"): "70", name("height"): "175", name("sbp"): "231",
                                               "reason": "Re-measured"})
    assert again.status_code == 302
    rows = sponsor.run(lambda session: [(q.origin, q.item_oid) for q in session.scalars(select(Query))])
    assert rows == [("auto", "IT.sbp")]
    listed = text_of(sponsor.client.get(base(sponsor) + "/queries?origin=auto"))
    assert "Edit check" in listed and "220" in listed
    form_id = sponsor.run(lambda session: session.scalar(select(Query.form_id)))
    by_field = sponsor.run(lambda session: {k: q.item_oid for k, q in queries.open_queries_by_field(form_id).items()})
    assert by_field == {name("sbp"): "IT.sbp"}


def test_a_cro_monitor_raises_the_site_answers_and_the_monitor_closes(sponsor, make_user, make_org, grant_license,
                                                                      login_as):
    subject_id, _, _ = with_query(sponsor, "101-001", "101")
    grantees = make_grantees(make_user, make_org, grant_license, login_as)

    def share(session):
        study = session.get(Study, sponsor.study_id)
        cro = studies.share_study(study, with_org="north-cro", roles=["monitor"]).id
        site = studies.share_study(study, with_org="site-berlin", roles=["site_coordinator"],
                                   site=session.get(StudySite, sponsor.site_ids["101"])).id
        return cro, site
    cro_grant, site_grant = sponsor.run(share)
    accept(grantees.cro, cro_grant)
    accept(grantees.site_org, site_grant)
    cro, site = grantees.cro.client, grantees.site_org.client
    item = f"/o/north-cro/edc/subjects/{subject_id}/events/{EVENT}/forms/F.vitals/items/IT.height/query"
    raised = submit_form(cro, item, {"text": "Height: please confirm against the source."})
    assert raised.status_code == 302, text_of(raised)[:300]
    query_id = int(raised.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    site_page = f"/o/site-berlin/edc/queries/{query_id}"
    assert "Height: please confirm" in text_of(site.get(site_page))
    assert post_with_token(site, f"{site_page}/propose", {"body": "Confirmed: 175 cm."},
                           token_from=site_page).status_code == 302
    cro_page = f"/o/north-cro/edc/queries/{query_id}"
    assert post_with_token(cro, f"{cro_page}/close", {"body": ""}, token_from=cro_page).status_code == 302
    assert sponsor.run(lambda session: session.get(Query, query_id).status) == "closed"
    inbox = {org: text_of(client.get("/notifications")) for org, client in (("site", site), ("cro", cro))}
    assert "Query on subject 101-001" in inbox["site"], "the site organization's staff hear of the CRO's query"
    assert f"query {query_id} has a proposed resolution" in inbox["cro"], "the CRO's monitor hears the answer"
    assert "Confirmed: 175 cm." in text_of(sponsor.client.get(f"/o/acme-pharma/edc/queries/{query_id}"))
