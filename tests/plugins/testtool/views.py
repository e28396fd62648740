from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import select

from sdk import requires_permission, services

from .models import TestRecord, add_record

bp = Blueprint("testtool", __name__, template_folder="templates")
api = Blueprint("testtool_api", __name__)


def _titles():
    return [r.title for r in services().db_session().scalars(select(TestRecord).order_by(TestRecord.id))]


@bp.get("/")
def index():
    return render_template("testtool/index.html", titles=_titles(),
                           greeting=services().settings("testtool").get("greeting"))


@bp.post("/records")
@requires_permission("edit")
def create():
    add_record(request.form.get("title", "untitled"))
    services().db_session().commit()
    return render_template("testtool/index.html", titles=_titles(), greeting="Saved")


@api.get("/records")
def api_records():
    return jsonify(records=_titles())


@api.post("/records")
@requires_permission("edit")
def api_create():
    add_record((request.get_json(silent=True) or {}).get("title", "untitled"))
    services().db_session().commit()
    return jsonify(records=_titles()), 201
