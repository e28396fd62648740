"""Entering one form of one subject's event: the page drawn from the metadata, its save (edit
checks, reason for change, null flavours; 422 with every problem beside its field, 409 when
locked) and the live branching preview the page's script asks as the person types."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from sdk import requires_permission, tool

from ..services import access
from ..services.auto_queries import raise_auto_queries
from ..services.entry import form_context, save_form
from ..services.errors import EdcInputError, LockedError
from ..services.preview import preview, preview_of
from ..services.schedule import FORM_STATE_LABELS, form_state
from . import bp
from .entry_form import build_entry_form, stored_data
from .lookups import study_or_404
from .subjects import entry_locked_reason, subject_or_404

FORM_URL = "/subjects/<int:subject_id>/events/<event_oid>/forms/<form_oid>"


def posted_values() -> dict:
    """The post as the service reads it: a field's several values (checkboxes) as a list."""
    return {key: values if len(values) > 1 else values[0] for key, values in request.form.lists()}


def _occurrence() -> int:
    return max(request.args.get("occurrence", 1, type=int) or 1, 1)


def _context(study, subject, event_oid, form_oid, posted=None, extra_rows=None):
    try:
        return form_context(study, subject, event_oid, form_oid, posted, event_repeat=_occurrence(),
                            extra_rows=extra_rows)
    except EdcInputError:
        abort(404)


def _render(study, subject, event_oid, context, *, formdata=None, problems=None, status=200, locked=None):
    may_enter = access.may_enter(subject)
    locked = locked or entry_locked_reason(study, subject, context.form)
    data = stored_data(context.layout, context.stored)
    form, views = build_entry_form(context.version, context.layout, saved_before=context.form is not None,
                                   disabled=bool(locked) or not may_enter, formdata=formdata, data=data)
    if problems is not None:
        form.absorb(problems)
    shown_values = posted_values() if formdata is not None else data
    found = preview_of(context, event_oid, shown_values)
    hidden = set(found.hidden)
    for name, value in found.calculated.items():
        if name in form:
            form[name].data = value
    event_def = context.version.event(event_oid)
    state = form_state(context.form)
    return render_template(
        "edc/form_entry.html", study=study, subject=subject, event_def=event_def, form_def=context.form_def,
        context=context, form=form, views=views, hidden=hidden, locked_reason=locked, may_enter=may_enter,
        state=state, state_label=FORM_STATE_LABELS[state], occurrence=_occurrence(),
        repeating_groups=[g for g in {v.slot.group.oid: v.slot.group for v in views}.values() if g.repeating],
    ), status


@bp.get(FORM_URL)
@requires_permission("view_study")
def form_page(subject_id, event_oid, form_oid):
    subject = subject_or_404(subject_id)
    study = study_or_404(subject.study_id)
    return _render(study, subject, event_oid, _context(study, subject, event_oid, form_oid))


@bp.post(FORM_URL)
@requires_permission("enter_data")
def save_form_page(subject_id, event_oid, form_oid):
    subject = subject_or_404(subject_id)
    study = study_or_404(subject.study_id)
    if not access.may_enter(subject):
        abort(403, "You may not enter data for this subject.")
    posted = posted_values()
    if request.form.get("add_row"):
        context = _context(study, subject, event_oid, form_oid, posted, extra_rows={request.form["add_row"]: 1})
        return _render(study, subject, event_oid, context, formdata=request.form)
    try:
        result = save_form(study, subject, event_oid, form_oid, posted, reason=request.form.get("reason", ""),
                           event_repeat=_occurrence(), complete="complete" in request.form)
    except EdcInputError as problems:
        tool().db_session().rollback()
        context = _context(study, subject, event_oid, form_oid, posted)
        return _render(study, subject, event_oid, context, formdata=request.form, problems=problems, status=422)
    except LockedError as exc:
        tool().db_session().rollback()
        context = _context(study, subject, event_oid, form_oid)
        return _render(study, subject, event_oid, context, locked=str(exc), status=409)
    raise_auto_queries(result)
    tool().db_session().commit()
    labels = {slot.name: slot.item.question.text or slot.item.name
              for slot in _context(study, subject, event_oid, form_oid).layout}
    flash(f"Saved{' and marked complete' if result.form.state == 'complete' else ''}: "
          f"{result.changed} value{'s' if result.changed != 1 else ''} changed.", "success")
    for name, message in result.warnings:
        flash(f"Check {labels.get(name, name)}: {message}", "warning")
    return redirect(url_for(".form_page", subject_id=subject.id, event_oid=event_oid, form_oid=form_oid,
                            occurrence=_occurrence()))


@bp.post(FORM_URL + "/preview")
@requires_permission("view_study")
def form_preview(subject_id, event_oid, form_oid):
    """Which items the values typed so far hide, and the calculations' values (JSON)."""
    subject = subject_or_404(subject_id)
    study = study_or_404(subject.study_id)
    try:
        found = preview(study, subject, event_oid, form_oid, posted_values(), event_repeat=_occurrence())
    except EdcInputError:
        abort(404)
    return jsonify(hidden=found.hidden, calculated=found.calculated)
