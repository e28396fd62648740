"""JSON API: the subjects this organization can see, across its own and shared studies."""
from flask import Blueprint, jsonify
from sqlalchemy import select

from sdk import tool

from .models import Subject

api = Blueprint("studytool_api", __name__)


@api.get("/subjects")
def subjects():
    rows = tool().db_session().scalars(select(Subject).order_by(Subject.id)).all()
    return jsonify(subjects=[{"id": s.id, "code": s.code, "study_id": s.study_id, "site_id": s.site_id}
                             for s in rows])
