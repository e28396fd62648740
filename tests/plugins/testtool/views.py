from flask import Blueprint, abort, jsonify, render_template, request
from sqlalchemy import select

from sdk import requires_permission, services, upload_limit
from sdk.api_docs import responds, takes_body
from sdk.audit import SIGNATURE_MEANINGS, ReasonRequiredError, SignatureError, reason_for_change

from .models import TestRecord, add_record

bp = Blueprint("testtool", __name__, template_folder="templates")
api = Blueprint("testtool_api", __name__)
ATTACHMENT_LIMIT = 1024


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


@bp.post("/attachments")
@requires_permission("edit")
@upload_limit(ATTACHMENT_LIMIT)
def attach():
    """A record titled after an uploaded file: a view that declares a small upload limit."""
    upload = request.files.get("file")
    add_record(upload.filename if upload else "untitled")
    services().db_session().commit()
    return render_template("testtool/index.html", titles=_titles(), greeting="Attached")


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
@takes_body({"type": "object", "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 200}}},
            required=False)
@responds(201, "The organization's titles, the new one included")
@responds(409, "A record with this title exists already")
@responds(422, "The title is not text of 1 to 200 characters")
def api_create():
    """Create a test record from JSON {"title": ...}."""
    body = request.get_json(silent=True)
    title = body.get("title", "untitled") if isinstance(body, dict) else "untitled"
    if not isinstance(title, str) or not 0 < len(title) <= 200:
        abort(422, "title must be text of 1 to 200 characters")
    if title in _titles():
        abort(409, f"There is a record titled {title!r} already.")
    add_record(title)
    services().db_session().commit()
    return jsonify(records=_titles()), 201
