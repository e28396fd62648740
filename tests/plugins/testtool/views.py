from flask import Blueprint, abort, jsonify, render_template, request
from sqlalchemy import select

from sdk import requires_permission, services
from sdk.audit import SIGNATURE_MEANINGS, ReasonRequiredError, SignatureError, reason_for_change

from .models import TestRecord, add_record

bp = Blueprint("testtool", __name__, template_folder="templates")
api = Blueprint("testtool_api", __name__)


def _titles():
    return [r.title for r in services().db_session().scalars(select(TestRecord).order_by(TestRecord.id))]


def _record(record_id: int) -> TestRecord:
    record = services().db_session().get(TestRecord, record_id)
    if record is None:
        abort(404)
    return record


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


@bp.get("/records/<int:record_id>")
def show(record_id):
    return render_template("testtool/record.html", record=_record(record_id),
                           meanings=SIGNATURE_MEANINGS, message=None)


@bp.post("/records/<int:record_id>")
@requires_permission("edit")
def edit(record_id):
    """Change the title; the audit trail needs the reason for the change."""
    record, session = _record(record_id), services().db_session()
    try:
        with reason_for_change(request.form.get("reason")):
            record.title = request.form.get("title", record.title)
            session.commit()
    except ReasonRequiredError as exc:
        session.rollback()
        return render_template("testtool/record.html", record=_record(record_id),
                               meanings=SIGNATURE_MEANINGS, message=str(exc)), 422
    return render_template("testtool/record.html", record=record, meanings=SIGNATURE_MEANINGS,
                           message="Saved")


@bp.post("/records/<int:record_id>/sign")
@requires_permission("edit")
def sign(record_id):
    record = _record(record_id)
    try:
        services().signatures.sign(record, meaning=request.form.get("meaning", ""),
                                   password=request.form.get("password", ""),
                                   email=request.form.get("email") or None)
    except SignatureError as exc:
        return render_template("testtool/record.html", record=record, meanings=SIGNATURE_MEANINGS,
                               message=str(exc)), 422
    return render_template("testtool/record.html", record=record, meanings=SIGNATURE_MEANINGS,
                           message="Signed")


@api.get("/records")
def api_records():
    """List the titles of the organization's test records."""
    return jsonify(records=_titles())


@api.post("/records")
@requires_permission("edit")
def api_create():
    """Create a test record from JSON {"title": ...}."""
    add_record((request.get_json(silent=True) or {}).get("title", "untitled"))
    services().db_session().commit()
    return jsonify(records=_titles()), 201
