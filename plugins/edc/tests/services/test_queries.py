"""Queries through the services: the lifecycle New -> Updated -> Resolution Proposed -> Closed
(or Not Applicable), illegal steps refused, rights by role (sites answer, monitors close), auto
queries from soft edit checks without duplicates, rule queries, and the people notified."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from plugins.edc.models import FormInstance, Query, QueryMessage, Study, StudySite, Subject
from plugins.edc.services import entry, quality, queries
from plugins.edc.services.auto_queries import raise_auto_queries
from plugins.edc.services.errors import EdcInputError, NotAllowed
from plugins.edc.services.layout import field_name
from sdk import tool
from sdk.tool import host_runs_tool

EVENT, VITALS = "SE.event_1", "F.vitals"
COORDINATOR = ["view_study", "enter_data", "respond_queries"]
MONITOR = ["view_study", "manage_queries", "verify", "export"]


def name(item: str) -> str:
    return field_name("IG.vitals", 1, f"IT.{item}")


def acting(sponsor, support, user, fn, *args):
    """Call ``fn(session, *args)`` as edc's code in a request of ``user`` (an API token of the
    sponsor's organization), so ``tool().can`` answers for that person; commits."""
    token = support.issue_token(sponsor.org, user)
    path = f"/api/v1/o/{sponsor.org.slug}/edc/studies/{sponsor.study_id}/queries"
    with sponsor.app.test_request_context(path, headers={"Authorization": f"Bearer {token}"}):
        sponsor.app.preprocess_request()
        with host_runs_tool("edc"):
            result = fn(tool().db_session(), *args)
            tool().db_session().commit()
            return result


@pytest.fixture
def team(sponsor, support, make_user, add_member):
    """A site coordinator who enrolled subject 101-001 and saved its vitals, and a monitor."""
    coordinator = make_user("cora@site.example.org", name="Cora Coordinator")
    add_member(sponsor.org, coordinator, permissions={"edc": COORDINATOR})
    monitor = make_user("mona@cro.example.org", name="Mona Monitor")
    add_member(sponsor.org, monitor, permissions={"edc": MONITOR})

    def enroll(session):
        study = session.get(Study, sponsor.study_id)
        subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids["101"]), "101-001")
        saved = entry.save_form(study, subject, EVENT, VITALS, {name("weight"): "70", name("height"): "175",
                                                                name("sbp"): "120"})
        return subject.id, saved.form.id
    subject_id, form_id = acting(sponsor, support, coordinator, enroll)
    return {"coordinator": coordinator, "monitor": monitor, "subject_id": subject_id, "form_id": form_id}


def raise_on_weight(sponsor, support, team, user=None):
    def raise_(session):
        form = session.get(FormInstance, team["form_id"])
        return queries.raise_query(form.subject, "Weight differs from the source document.", form=form,
                                   item_oid="IT.weight", group_oid="IG.vitals", group_repeat=1).id
    return acting(sponsor, support, user or team["monitor"], raise_)


def step(sponsor, support, user, query_id, action, body="Checked."):
    return acting(sponsor, support, user,
                  lambda session: queries.transition(session.get(Query, query_id), action, body).status)


def thread(sponsor, query_id):
    return sponsor.run(lambda session: [m.status_after for m in session.scalars(
        select(QueryMessage).where(QueryMessage.query_id == query_id).order_by(QueryMessage.id))])


def test_the_lifecycle_new_updated_proposed_closed(sponsor, support, team):
    query_id = raise_on_weight(sponsor, support, team)
    coordinator, monitor = team["coordinator"], team["monitor"]
    assert sponsor.run(lambda session: session.get(Query, query_id).status) == "new"
    assert step(sponsor, support, coordinator, query_id, "respond", "Rechecked the scale log.") == "updated"
    assert step(sponsor, support, coordinator, query_id, "propose", "Source says 70 kg: value is right.") \
        == "proposed"
    assert step(sponsor, support, monitor, query_id, "close", "") == "closed"
    assert thread(sponsor, query_id) == ["new", "updated", "proposed", "closed"]
    assert step(sponsor, support, monitor, query_id, "reopen", "The source was the wrong visit.") == "new"
    assert step(sponsor, support, monitor, query_id, "not_applicable", "Visit not done.") == "na"


def test_every_transition_is_in_the_audit_trail(sponsor, support, team):
    query_id = raise_on_weight(sponsor, support, team)
    step(sponsor, support, team["coordinator"], query_id, "respond")
    step(sponsor, support, team["monitor"], query_id, "close")
    trail = sponsor.run(lambda session: [(r.action, r.changes.get("status") if r.changes else None) for r in
                                         tool().audit.history(entity_type="query", entity_id=str(query_id))])
    statuses = [change for _, change in trail if change]
    assert len(trail) >= 3 and len(statuses) >= 3, trail


@pytest.mark.parametrize("status, action", [("closed", "respond"), ("closed", "close"), ("new", "reopen"),
                                            ("proposed", "propose"), ("na", "not_applicable")])
def test_illegal_transitions_are_refused_and_change_nothing(sponsor, support, team, status, action):
    query_id = raise_on_weight(sponsor, support, team)
    sponsor.run(lambda session: setattr(session.get(Query, query_id), "status", status))
    with pytest.raises(EdcInputError) as refused:
        step(sponsor, support, sponsor.owner, query_id, action)
    assert "cannot be" in str(refused.value)
    assert sponsor.run(lambda session: session.get(Query, query_id).status) == status
    assert thread(sponsor, query_id) == ["new"]


def test_an_answer_needs_words(sponsor, support, team):
    query_id = raise_on_weight(sponsor, support, team)
    with pytest.raises(EdcInputError) as refused:
        step(sponsor, support, team["coordinator"], query_id, "respond", "  ")
    assert [field for field, _ in refused.value.items] == ["body"]


def test_a_site_role_answers_but_cannot_close_raise_or_reopen(sponsor, support, team):
    query_id = raise_on_weight(sponsor, support, team)
    coordinator = team["coordinator"]
    for action in ("close", "not_applicable"):
        with pytest.raises(NotAllowed):
            step(sponsor, support, coordinator, query_id, action)
    with pytest.raises(NotAllowed):
        raise_on_weight(sponsor, support, team, user=coordinator)
    assert acting(sponsor, support, coordinator,
                  lambda session: queries.allowed_actions(session.get(Query, query_id))) == ["respond", "propose"]
    assert acting(sponsor, support, team["monitor"],
                  lambda session: queries.allowed_actions(session.get(Query, query_id))) == ["close", "not_applicable"]
    with pytest.raises(NotAllowed):
        step(sponsor, support, team["monitor"], query_id, "respond")
    assert sponsor.run(lambda session: session.get(Query, query_id).status) == "new"


def save_sbp(sponsor, support, team, sbp, reason=""):
    def save(session):
        study, subject = session.get(Study, sponsor.study_id), session.get(Subject, team["subject_id"])
        result = entry.save_form(study, subject, EVENT, VITALS, {name("weight"): "70", name("height"): "175",
                                                                 name("sbp"): sbp}, reason=reason)
        return raise_auto_queries(result)
    return acting(sponsor, support, team["coordinator"], save)


def test_soft_edit_checks_raise_one_query_per_item_without_duplicates(sponsor, support, team):
    assert save_sbp(sponsor, support, team, "230", "Re-measured") == 1
    assert save_sbp(sponsor, support, team, "231", "Re-measured again") == 0, "the item has an open query"
    rows = sponsor.run(lambda session: [(q.origin, q.item_oid, q.group_oid, q.group_repeat, q.status, q.raised_by_id)
                                        for q in session.scalars(select(Query))])
    assert rows == [("auto", "IT.sbp", "IG.vitals", 1, "new", None)]
    query_id = sponsor.run(lambda session: session.scalar(select(Query.id)))
    step(sponsor, support, team["monitor"], query_id, "close")
    assert save_sbp(sponsor, support, team, "232", "Third measurement") == 1, "a closed query is no longer open"


def test_rule_queries_from_findings_are_not_duplicated(sponsor, support, team):
    def raise_rule_queries(session):
        return quality.raise_queries_for(session.get(Study, sponsor.study_id), ["A", "B"])
    first = acting(sponsor, support, team["monitor"], raise_rule_queries)
    assert first > 0
    assert acting(sponsor, support, team["monitor"], raise_rule_queries) == 0
    origins = sponsor.run(lambda session: {(q.origin, q.rule) for q in session.scalars(select(Query))})
    assert origins <= {("rule", "A"), ("rule", "B")}
    with pytest.raises(NotAllowed):
        acting(sponsor, support, team["coordinator"], raise_rule_queries)


def notifications_of(login_as, user) -> str:
    return login_as(user).get("/notifications").get_data(as_text=True)


def test_the_people_who_must_act_are_notified(sponsor, support, team, login_as):
    query_id = raise_on_weight(sponsor, support, team)
    assert "Query on subject 101-001" in notifications_of(login_as, team["coordinator"]), \
        "the coordinator who enrolled the subject is told of a new query"
    assert "Query on subject 101-001" not in notifications_of(login_as, team["monitor"]), "not the raiser"
    step(sponsor, support, team["coordinator"], query_id, "respond", "Rechecked.")
    assert f"query {query_id} was answered" in notifications_of(login_as, team["monitor"])
