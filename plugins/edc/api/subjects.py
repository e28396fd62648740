"""edc API: a study's subjects, enrolling one, a subject's schedule, and reading and saving one
form's data (the same services and edit checks as the pages; 422 names every problem, 409 when
the data is frozen or locked). A site organization sees only its own site's subjects."""
from __future__ import annotations

from flask import abort, jsonify
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.api_docs import InvalidInput, responds, takes_body, takes_query

from ..models import StudySite, Subject
from ..services import access, entry, schedule
from ..services.auto_queries import raise_auto_queries
from ..services.errors import EdcInputError, LockedError
from . import api
from .subject_values import form_json, posted_from, renamed


class SubjectOut(Schema):
    id = fields.Integer(required=True)
    subject = fields.String(required=True)
    site = fields.String(required=True, metadata={"description": "The site's number"})
    state = fields.String(required=True)
    frozen = fields.Boolean(required=True)
    locked = fields.Boolean(required=True)
    enrolled_at = fields.DateTime(allow_none=True)
    forms_done = fields.Integer(required=True)
    forms_expected = fields.Integer(required=True)


class SubjectList(Schema):
    subjects = fields.List(fields.Nested(SubjectOut), required=True)


class SubjectFilter(Schema):
    site = fields.String(metadata={"description": "Only this site's subjects (its number)"})


class EnrollIn(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=entry.SUBJECT_KEY_LIMIT))
    site = fields.String(required=True, metadata={"description": "The site's number, for example 101"})


class FormStateOut(Schema):
    form_oid = fields.String(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": ", ".join(schedule.FORM_STATE_LABELS)})


class OccurrenceOut(Schema):
    event_oid = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    repeating = fields.Boolean(required=True)
    occurrence = fields.Integer(required=True)
    forms = fields.List(fields.Nested(FormStateOut), required=True)


class SubjectDetail(SubjectOut):
    events = fields.List(fields.Nested(OccurrenceOut), required=True)


class OccurrenceQuery(Schema):
    occurrence = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class ItemValueOut(Schema):
    item_oid = fields.String(required=True)
    variable = fields.String(required=True)
    group_oid = fields.String(required=True)
    row = fields.Integer(required=True)
    value = fields.String(allow_none=True)
    null_flavour = fields.String(allow_none=True)


class FormVersionOut(Schema):
    """The metadata version a form instance was entered under."""

    oid = fields.String(required=True)
    name = fields.String(required=True)
    number = fields.Integer(required=True)


class FormDataOut(Schema):
    subject_id = fields.Integer(required=True)
    event_oid = fields.String(required=True)
    occurrence = fields.Integer(required=True)
    form_oid = fields.String(required=True)
    state = fields.String(required=True)
    version = fields.Nested(FormVersionOut, required=True)
    items = fields.List(fields.Nested(ItemValueOut), required=True)
    values = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True,
                         metadata={"description": "The first row's values by variable"})


class FormDataIn(Schema):
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), load_default=dict,
                         metadata={"description": "By variable, item OID or GROUP__row__ITEM; a checkbox "
                                                  "item takes a list of codes; items not named keep their "
                                                  "values, null or \"\" clears one"})
    null_flavours = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(max=4)),
                                load_default=dict, metadata={"description": "ND, UNK, NA or NASK by item"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    complete = fields.Boolean(load_default=False)


class WarningOut(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class SaveOut(Schema):
    warnings = fields.List(fields.Nested(WarningOut), required=True)
    changed = fields.Integer(required=True)
    state = fields.String(required=True)


def _subject_json(subject: Subject, progress: tuple[int, int]) -> dict:
    return {"id": subject.id, "subject": subject.subject_key, "site": subject.site.code, "state": subject.state,
            "frozen": subject.frozen, "locked": subject.locked,
            "enrolled_at": subject.created_at.isoformat() if subject.created_at else None,
            "forms_done": progress[0], "forms_expected": progress[1]}


def _study(study_id):
    return access.visible_study(study_id) or abort(404)


def _subject(subject_id):
    return access.visible_subject(subject_id) or abort(404)


@api.get("/studies/<int:study_id>/subjects")
@requires_permission("view_study")
@takes_query(SubjectFilter)
@responds(200, "The study's subjects this organization sees", schema=SubjectList)
@responds(404, "No such study here")
def list_subjects(study_id, query):
    """List a study's subjects (a site organization: its own site's)"""
    study = _study(study_id)
    stmt = (select(Subject).join(StudySite, StudySite.id == Subject.site_id).where(Subject.study_id == study.id)
            .order_by(Subject.subject_key))
    if query.get("site"):
        stmt = stmt.where(StudySite.code == query["site"])
    subjects = tool().db_session().scalars(stmt).all()
    progress = schedule.progress(study, subjects)
    return jsonify(subjects=[_subject_json(s, progress[s.id]) for s in subjects])


@api.post("/studies/<int:study_id>/subjects")
@requires_permission("enter_data")
@takes_body(EnrollIn)
@responds(201, "The subject, enrolled", schema=SubjectOut)
@responds(404, "No such study here")
@responds(409, "The study is frozen or locked")
def enroll_subject(study_id, body):
    """Enroll a subject at one of the study's sites"""
    study = _study(study_id)
    site = next((s for s in access.enrolling_sites(study) if s.code == body["site"].strip()), None)
    try:
        subject = entry.enroll(study, site, body["subject"])
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(renamed(problems, {"subject_key": "subject", "site_id": "site"})) from None
    except LockedError as exc:
        tool().db_session().rollback()
        abort(409, str(exc))
    tool().db_session().commit()
    return jsonify(_subject_json(subject, (0, schedule.progress(study, [subject])[subject.id][1]))), 201


@api.get("/subjects/<int:subject_id>")
@requires_permission("view_study")
@responds(200, "The subject and its event schedule with each form's state", schema=SubjectDetail)
@responds(404, "No such subject here")
def get_subject(subject_id):
    """A subject's event schedule"""
    subject = _subject(subject_id)
    study = _study(subject.study_id)
    found = _subject_json(subject, schedule.progress(study, [subject])[subject.id])
    found["events"] = [
        {"event_oid": line.event_def.oid, "name": line.event_def.name, "type": line.event_def.type,
         "repeating": line.event_def.repeating, "occurrence": occurrence.repeat,
         "forms": [{"form_oid": f.form_oid, "name": f.name, "state": f.state} for f in occurrence.forms]}
        for line in schedule.schedule(study, subject) for occurrence in line.occurrences]
    return jsonify(found)


FORM_URL = "/subjects/<int:subject_id>/events/<event_oid>/forms/<form_oid>"


@api.get(FORM_URL)
@requires_permission("view_study")
@takes_query(OccurrenceQuery)
@responds(200, "The form's values and the version it was entered under", schema=FormDataOut)
@responds(404, "No such subject, event or form here")
def get_form_data(subject_id, event_oid, form_oid, query):
    """One form's data"""
    subject = _subject(subject_id)
    study = _study(subject.study_id)
    try:
        context = entry.form_context(study, subject, event_oid, form_oid, event_repeat=query["occurrence"])
    except EdcInputError:
        abort(404)
    return jsonify(form_json(subject, event_oid, form_oid, query["occurrence"], context))


@api.put(FORM_URL)
@requires_permission("enter_data")
@takes_query(OccurrenceQuery)
@takes_body(FormDataIn)
@responds(200, "Saved: soft check warnings (each raises a query) and how many values changed", schema=SaveOut)
@responds(403, "You may not enter data for this subject")
@responds(404, "No such subject, event or form here")
@responds(409, "The form, the subject or the study is frozen or locked: nothing changed")
def save_form_data(subject_id, event_oid, form_oid, query, body):
    """Save one form's data (a change after the first save needs a reason)"""
    subject = _subject(subject_id)
    study = _study(subject.study_id)
    if not access.may_enter(subject):
        abort(403, "You may not enter data for this subject.")
    try:
        context = entry.form_context(study, subject, event_oid, form_oid, event_repeat=query["occurrence"])
    except EdcInputError:
        abort(404)
    posted, names, problems = posted_from(context.layout, context.stored, body["values"], body["null_flavours"])
    if problems.items:
        raise InvalidInput(problems)
    try:
        result = entry.save_form(study, subject, event_oid, form_oid, posted, reason=body["reason"],
                                 event_repeat=query["occurrence"], complete=body["complete"])
    except EdcInputError as refused:
        tool().db_session().rollback()
        raise InvalidInput(renamed(refused, names)) from None
    except LockedError as exc:
        tool().db_session().rollback()
        abort(409, str(exc))
    raise_auto_queries(result)
    tool().db_session().commit()
    return jsonify(warnings=[{"field": names.get(name, name), "message": message} for name, message in result.warnings],
                   changed=result.changed, state=schedule.form_state(result.form))
