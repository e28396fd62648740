"""JSON API: the subjects this organization can see, across its own and shared studies."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields
from sqlalchemy import select

from sdk import tool
from sdk.api_docs import responds

from .models import Subject

api = Blueprint("studytool_api", __name__)


class SubjectRow(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    study_id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)


class SubjectList(Schema):
    subjects = fields.List(fields.Nested(SubjectRow), required=True)


@api.get("/subjects")
@responds(200, "The subjects of the organization's own and shared studies", schema=SubjectList)
def subjects():
    """The subjects this organization can see"""
    rows = tool().db_session().scalars(select(Subject).order_by(Subject.id)).all()
    return jsonify(subjects=[{"id": s.id, "code": s.code, "study_id": s.study_id, "site_id": s.site_id}
                             for s in rows])
