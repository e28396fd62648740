from flask import Blueprint, abort, jsonify, render_template, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from sdk import requires_permission, services, upload_limit
from sdk.api_docs import responds, takes_body
from sdk.audit import ReasonRequiredError, reason_for_change

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
    return render_template("testtool/record.html", record=_record(record_id), message=None)


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
        return render_template("testtool/record.html", record=_record(record_id), message=str(exc)), 422
    return render_template("testtool/record.html", record=record, message="Saved")


class RecordIn(Schema):
    """A new test record."""

    title = fields.String(load_default="untitled", validate=validate.Length(min=1, max=200))


class Records(Schema):
    """The organization's record titles, oldest first."""

    records = fields.List(fields.String(), required=True)


@api.get("/records")
@responds(200, "The titles of the organization's records", schema=Records)
def api_records():
    """List the titles of the organization's test records."""
    return jsonify(records=_titles())


@api.post("/records")
@requires_permission("edit")
@takes_body(RecordIn, required=False)
@responds(201, "The organization's titles, the new one included", schema=Records)
@responds(409, "A record with this title exists already")
def api_create(body):
    """Create a test record from JSON {"title": ...}."""
    if body["title"] in _titles():
        abort(409, f"There is a record titled {body['title']!r} already.")
    add_record(body["title"])
    services().db_session().commit()
    return jsonify(records=_titles()), 201


from . import files  # noqa: E402,F401  (the attachment routes, on the same blueprint)
