"""The visit log's JSON API, described in /api/v1/openapi.json by its schemas."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.api_docs import InvalidInput, responds, takes_body
from sdk.forms import InputProblems

from .models import KINDS, Visit
from .services import log_visit

api = Blueprint("visit_log_api", __name__)


class VisitIn(Schema):
    """A visit to log. The schema checks types only; the rules are the service's, so the API
    answers every problem with the same words as the page."""

    site = fields.String(load_default=None, metadata={"description": "Required; up to 120 characters"})
    visited_on = fields.String(load_default=None, metadata={"description": "Required; an ISO date, not in the future"})
    kind = fields.String(load_default=None, metadata={"enum": list(KINDS), "description": "Required"})
    findings = fields.String(load_default="")


class VisitOut(Schema):
    id = fields.Integer(required=True)
    site = fields.String(required=True)
    visited_on = fields.Date(required=True)
    kind = fields.String(required=True)
    findings = fields.String(required=True)


class VisitList(Schema):
    visits = fields.List(fields.Nested(VisitOut), required=True)


def _as_json(visit: Visit) -> dict:
    return VisitOut().dump(visit)


@api.get("/visits")
@requires_permission("view")
@responds(200, "The organization's visits, newest first", schema=VisitList)
def list_visits():
    """List the monitoring visits"""
    visits = tool().db_session().scalars(select(Visit).order_by(Visit.visited_on.desc(), Visit.id.desc()))
    return jsonify(visits=[_as_json(v) for v in visits])


@api.post("/visits")
@requires_permission("log")
@takes_body(VisitIn)
@responds(201, "The visit, logged", schema=VisitOut)
def create_visit(body):
    """Log a monitoring visit"""
    try:
        visit = log_visit(body)
    except InputProblems as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None
    tool().db_session().commit()
    return jsonify(_as_json(visit)), 201
