"""edc API: queries and data quality. List, read, raise and move queries through their lifecycle
(a site answers, a monitor or data manager closes: a site closing gets 403), and run the data
quality rules (GET: the findings are computed, nothing is stored).

A record the organization does not see answers 404; an action the query's status does not
allow, or bad input, 422 in the platform's shape."""
from __future__ import annotations

from flask import abort, jsonify
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from sdk import requires_permission, tool
from sdk.api_docs import InvalidInput, responds, takes_body, takes_query

from ..domain.quality import RULES
from ..models import QUERY_ORIGINS, QUERY_STATUSES, Query, Study, Subject
from ..services import quality
from ..services import queries as service
from ..services.entry import event_of, form_of
from ..services.errors import EdcInputError, NotAllowed
from . import api

PER_PAGE = 100


class QueryFilter(Schema):
    status = fields.String(load_default="", validate=validate.OneOf(["", "all", *QUERY_STATUSES]),
                           metadata={"description": "A status, 'all', or empty for the open ones"})
    site_id = fields.Integer(load_default=None)
    origin = fields.String(load_default="", validate=validate.OneOf(["", *QUERY_ORIGINS]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class QueryMessageOut(Schema):
    id = fields.Integer(required=True)
    author_id = fields.Integer(allow_none=True)
    body = fields.String(required=True)
    status_after = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class QueryOut(Schema):
    id = fields.Integer(required=True)
    study_id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    subject_id = fields.Integer(required=True)
    subject_key = fields.String(required=True)
    form_id = fields.Integer(allow_none=True)
    event_oid = fields.String(allow_none=True)
    form_oid = fields.String(allow_none=True)
    item_oid = fields.String(allow_none=True)
    group_oid = fields.String(allow_none=True)
    group_repeat = fields.Integer(allow_none=True)
    origin = fields.String(required=True, metadata={"description": "auto, manual or rule"})
    rule = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": "new, updated, proposed, closed or na"})
    text = fields.String(required=True)
    raised_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    actions = fields.List(fields.String(), required=True, metadata={"description": "What the caller may do now"})
    messages = fields.List(fields.Nested(QueryMessageOut))


class QueryList(Schema):
    queries = fields.List(fields.Nested(QueryOut), required=True)
    page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class QueryIn(Schema):
    subject_id = fields.Integer(required=True)
    text = fields.String(required=True, validate=validate.Length(max=service.TEXT_LIMIT))
    event_oid = fields.String(load_default=None, validate=validate.Length(max=100))
    form_oid = fields.String(load_default=None, validate=validate.Length(max=100))
    item_oid = fields.String(load_default=None, validate=validate.Length(max=100))
    group_oid = fields.String(load_default=None, validate=validate.Length(max=100))
    group_repeat = fields.Integer(load_default=1, validate=validate.Range(min=1))
    event_repeat = fields.Integer(load_default=1, validate=validate.Range(min=1))
    form_repeat = fields.Integer(load_default=1, validate=validate.Range(min=1))


class MessageIn(Schema):
    body = fields.String(load_default="", validate=validate.Length(max=service.TEXT_LIMIT))


class FindingsQuery(Schema):
    rules = fields.String(load_default="", validate=validate.Length(max=500),
                          metadata={"description": "Rule codes separated by commas (A..H, R<id>); empty: every rule"})


class FindingOut(Schema):
    rule = fields.String(required=True)
    subject_id = fields.Integer(required=True)
    subject_key = fields.String(required=True)
    event_oid = fields.String(required=True)
    form_id = fields.Integer(allow_none=True)
    form_oid = fields.String(allow_none=True)
    item_oid = fields.String(allow_none=True)
    group_oid = fields.String(allow_none=True)
    group_repeat = fields.Integer(allow_none=True)
    value = fields.String(allow_none=True)
    message = fields.String(required=True)


class Findings(Schema):
    rules = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    findings = fields.List(fields.Nested(FindingOut), required=True)


def _study(study_id: int) -> Study:
    study = tool().db_session().get(Study, study_id)
    if study is None or not tool().can("view_study", study):
        abort(404, "No such study.")
    return study


def _query(query_id: int) -> Query:
    query = tool().db_session().get(Query, query_id)
    if query is None or not tool().can("view_study", query):
        abort(404, "No such query.")
    return query


def as_json(query: Query, *, messages: bool = False) -> dict:
    data = {name: getattr(query, name) for name in (
        "id", "study_id", "site_id", "subject_id", "form_id", "event_oid", "form_oid", "item_oid", "group_oid",
        "group_repeat", "origin", "rule", "status", "text", "raised_by_id")}
    data.update(subject_key=query.subject.subject_key, created_at=query.created_at.isoformat(),
                updated_at=query.updated_at.isoformat(), actions=service.allowed_actions(query))
    if messages:
        data["messages"] = [{"id": m.id, "author_id": m.author_id, "body": m.body, "status_after": m.status_after,
                             "created_at": m.created_at.isoformat()} for m in query.messages]
    return data


@api.get("/studies/<int:study_id>/queries")
@requires_permission("view_study")
@takes_query(QueryFilter)
@responds(200, "One page of the study's queries (open ones unless a status is given)", schema=QueryList)
@responds(404, "No such study")
def list_queries(study_id: int, query):
    """List a study's queries"""
    study = _study(study_id)
    stmt = service.study_queries(study, status=query["status"], site_id=query["site_id"], origin=query["origin"])
    session = tool().db_session()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.order_by(Query.id).offset((query["page"] - 1) * PER_PAGE).limit(PER_PAGE)).unique()
    return jsonify(queries=[as_json(row) for row in rows], page=query["page"], total=total)


@api.get("/queries/<int:query_id>")
@requires_permission("view_study")
@responds(200, "The query with its thread", schema=QueryOut)
@responds(404, "No such query")
def get_query(query_id: int):
    """Read one query"""
    return jsonify(as_json(_query(query_id), messages=True))


@api.post("/studies/<int:study_id>/queries")
@requires_permission("manage_queries")
@takes_body(QueryIn)
@responds(201, "The query, raised; the site is notified", schema=QueryOut)
@responds(403, "Only monitors and data managers raise queries")
@responds(404, "No such study or subject")
def raise_query(study_id: int, body):
    """Raise a query on a subject's item (or on the subject at an event)"""
    study = _study(study_id)
    subject = tool().db_session().get(Subject, body["subject_id"])
    if subject is None or subject.study_id != study.id or not tool().can("view_study", subject):
        abort(404, "No such subject in this study.")
    form = None
    if body["form_oid"]:
        event = event_of(subject, body["event_oid"] or "", body["event_repeat"], create=False)
        form = form_of(event, body["form_oid"], body["form_repeat"])
        if form is None:
            raise InvalidInput(EdcInputError([("form_oid", "The subject has no such form at that event yet.")]))
    elif body["item_oid"]:
        raise InvalidInput(EdcInputError([("form_oid", "Name the form (and event) the item is on.")]))
    try:
        raised = service.raise_query(subject, body["text"], form=form, item_oid=body["item_oid"],
                                     group_oid=body["group_oid"], group_repeat=body["group_repeat"],
                                     event_oid=body["event_oid"])
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None
    tool().db_session().commit()
    return jsonify(as_json(raised, messages=True)), 201


@api.post("/queries/<int:query_id>/<any(respond, propose, close, not_applicable, reopen):action>")
@requires_permission("view_study")
@takes_body(MessageIn, required=False)
@responds(200, "The query after the step", schema=QueryOut)
@responds(403, "The caller may not take this step (a site closing a query, say)")
@responds(404, "No such query")
def query_step(query_id: int, action: str, body):
    """Answer, propose a resolution, close, cancel (not applicable) or reopen a query"""
    query = _query(query_id)
    try:
        service.transition(query, action, body.get("body"))
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None
    tool().db_session().commit()
    return jsonify(as_json(query, messages=True))


@api.get("/studies/<int:study_id>/quality")
@requires_permission("manage_queries")
@takes_query(FindingsQuery)
@responds(200, "The findings of the data quality rules, run now", schema=Findings)
@responds(403, "Only monitors and data managers run the rules")
@responds(404, "No such study")
def run_quality(study_id: int, query):
    """Run the data quality rules A to H and the study's custom rules"""
    study = _study(study_id)
    if not tool().can("manage_queries", study):
        abort(403, "Data quality is the monitors' and data managers' work.")
    codes = [code.strip() for code in query["rules"].split(",") if code.strip()] or None
    report = quality.run(study, codes)
    unknown = sorted(set(codes or ()) - set(report.titles))
    if unknown:
        raise InvalidInput(EdcInputError([("rules", f"No rule {', '.join(unknown)}: use {', '.join(RULES)} or a "
                                                   "custom rule's code (R<id>).")]))
    return jsonify(rules=report.titles, counts=report.counts, findings=[{
        "rule": f.rule, "subject_id": f.subject_ref, "subject_key": f.subject, "event_oid": f.event,
        "form_id": f.form_ref, "form_oid": f.form, "item_oid": f.item, "group_oid": f.group,
        "group_repeat": f.repeat, "value": f.value, "message": f.message} for f in report.findings])
