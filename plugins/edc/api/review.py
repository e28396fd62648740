"""edc API: review and lock. The study's review status, source data verification of a form, and
freeze, lock, unfreeze and unlock at study, subject and form level (reopening takes a reason).

An illegal step answers 409 and changes nothing, a step the caller may not take 403, a record
the organization does not see 404, a missing reason 422 in the platform's shape."""
from __future__ import annotations

from flask import abort, jsonify
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from sdk import requires_permission, tool
from sdk.api_docs import InvalidInput, responds, takes_body, takes_query

from ..models import FormInstance, Study, Subject
from ..services import review
from ..services.casebook import subject_reviews
from ..services.errors import EdcInputError, LockedError, NotAllowed
from . import api

PER_PAGE = 100


class ReasonIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=review.REASON_LIMIT),
                           metadata={"description": "Why: required to unfreeze or unlock; kept in the audit trail"})


class ReviewQuery(Schema):
    site_id = fields.Integer(load_default=None, metadata={"description": "Only this site's subjects"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class FormReview(Schema):
    id = fields.Integer(required=True)
    event_oid = fields.String(required=True)
    event_repeat = fields.Integer(required=True)
    form_oid = fields.String(required=True)
    repeat = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "in_progress or complete"})
    lock_state = fields.String(required=True, metadata={"description": "open, frozen or locked"})
    verified_at = fields.DateTime(allow_none=True)
    verified_by_id = fields.Integer(allow_none=True)


class SubjectReview(Schema):
    id = fields.Integer(required=True)
    subject_key = fields.String(required=True)
    site_id = fields.Integer(required=True)
    lock_state = fields.String(required=True, metadata={"description": "open, frozen or locked"})
    signature = fields.String(required=True, metadata={"description": "unsigned, signed or stale"})
    forms = fields.List(fields.Nested(FormReview), required=True)


class ReviewStatus(Schema):
    study_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "open, frozen or locked"})
    subjects = fields.List(fields.Nested(SubjectReview), required=True)
    page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class StepDone(Schema):
    level = fields.String(required=True)
    id = fields.Integer(required=True)
    lock_state = fields.String(required=True)
    verified_at = fields.DateTime(allow_none=True)


def _study(study_id: int) -> Study:
    study = tool().db_session().get(Study, study_id)
    if study is None or not tool().can("view_study", study):
        abort(404, "No such study.")
    return study


def _record(study: Study, model, record_id: int):
    record = tool().db_session().get(model, record_id)
    if record is None or record.study_id != study.id or not tool().can("view_study", record):
        abort(404, f"No such {review.LEVELS[model]} in this study.")
    return record


def _form_json(form: FormInstance) -> dict:
    return {"id": form.id, "event_oid": form.event.event_oid, "event_repeat": form.event.repeat_key,
            "form_oid": form.form_oid, "repeat": form.repeat_key, "state": form.state,
            "lock_state": review.state_of(form), "verified_at": form.verified_at and form.verified_at.isoformat(),
            "verified_by_id": form.verified_by_id}


@api.get("/studies/<int:study_id>/review")
@requires_permission("view_study")
@takes_query(ReviewQuery)
@responds(200, "The study's lock state and each subject's forms, lock state and casebook signature",
          schema=ReviewStatus)
def review_status(study_id: int, query):
    """Review status of a study (100 subjects a page)"""
    study = _study(study_id)
    stmt = select(Subject).where(Subject.study_id == study.id)
    if query["site_id"] is not None:
        stmt = stmt.where(Subject.site_id == query["site_id"])
    session = tool().db_session()
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    subjects = list(session.scalars(stmt.order_by(Subject.subject_key, Subject.id)
                                    .limit(PER_PAGE).offset((query["page"] - 1) * PER_PAGE)))
    return jsonify(study_id=study.id, state=study.state, page=query["page"], total=total, subjects=[
        {"id": row.subject.id, "subject_key": row.subject.subject_key, "site_id": row.subject.site_id,
         "lock_state": review.state_of(row.subject), "signature": row.signature,
         "forms": [_form_json(form) for form in row.forms]} for row in subject_reviews(subjects)])


def _run(record, level: str, step: str, reason: str):
    try:
        if step in ("unfreeze", "unlock", "unverify"):
            getattr(review, step)(record, reason)
        else:
            getattr(review, step)(record)
        tool().db_session().commit()
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    except LockedError as conflict:
        tool().db_session().rollback()
        abort(409, str(conflict))
    return jsonify(level=level, id=record.id, lock_state=review.state_of(record),
                   verified_at=getattr(record, "verified_at", None) and record.verified_at.isoformat())


STEP_TEXT = {"freeze": "Freeze {what} (no data entry; queries go on)",
             "lock": "Lock {what} (nothing changes)",
             "unfreeze": "Unfreeze {what} with a reason (the casebook signatures become stale)",
             "unlock": "Unlock {what} with a reason (the casebook signatures become stale)",
             "verify": "Mark {what} source data verified (a complete form whose data may still change)",
             "unverify": "Withdraw {what}'s source data verification"}


def _declare(rule: str, level: str, model, step: str, permission: str, what: str) -> None:
    """One documented endpoint per level and step (so each has its own summary and answers)."""

    def view(study_id: int, body, record_id: int | None = None):
        study = _study(study_id)
        record = study if model is Study else _record(study, model, record_id)
        return _run(record, level, step, body.get("reason") or "")

    view.__name__ = view.__qualname__ = f"{level}_{step}"
    view.__doc__ = STEP_TEXT[step].format(what=what)
    view = responds(409, "The record is not in a state this step applies to, or a lock above it holds it")(view)
    view = responds(200, "Done: the record's state now", schema=StepDone)(view)
    view = takes_body(ReasonIn, required=False)(view)
    view = requires_permission(permission)(view)
    api.add_url_rule(rule, endpoint=f"review_{level}_{step}", view_func=view, methods=["POST"])


for _step in ("freeze", "lock", "unfreeze", "unlock"):
    _declare(f"/studies/<int:study_id>/review/{_step}", "study", Study, _step, "lock", "the study")
    _declare(f"/studies/<int:study_id>/subjects/<int:record_id>/review/{_step}", "subject", Subject, _step,
             "lock", "a subject")
    _declare(f"/studies/<int:study_id>/forms/<int:record_id>/review/{_step}", "form", FormInstance, _step,
             "lock", "a form")
for _step in ("verify", "unverify"):
    _declare(f"/studies/<int:study_id>/forms/<int:record_id>/review/{_step}", "form", FormInstance, _step,
             "verify", "a form")

