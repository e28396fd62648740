"""A study's subjects (by site, enrolling a new one) and one subject's page: its event schedule
with each form's state, its history and its casebook signature."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from sdk import requires_permission, tool
from sdk.forms import ToolForm
from sdk.tables import Column, table_page

from ..models import SUBJECT_STATES, StudySite, Subject
from ..services import access, entry, schedule
from ..services.errors import EdcInputError, LockedError
from . import bp
from .lookups import study_or_404

SUBJECT_COLUMNS = (
    Column("site", "Site", StudySite.code, width="6rem"),
    Column("subject", "Subject", Subject.subject_key),
    Column("state", "State", Subject.state, width="7rem"),
    Column("enrolled", "Enrolled", Subject.created_at, width="8rem"),
    Column("forms", "Forms complete", numeric=True, width="8rem"),
)


class EnrollForm(ToolForm):
    site_id = SelectField("Site", coerce=int, validate_choice=False)
    subject_key = StringField("Subject number", render_kw={"maxlength": entry.SUBJECT_KEY_LIMIT})


class SiteFilter(ToolForm):
    class Meta:
        csrf = False

    site = SelectField("Site", validate_choice=False)


def subject_or_404(subject_id: int):
    subject = access.visible_subject(subject_id)
    if subject is None:
        abort(404)
    return subject


def _render_subjects(study, form: EnrollForm, status: int = 200):
    sites = access.visible_sites(study)
    filters = SiteFilter(request.args)
    filters.site.choices = [SelectChoice("", "All sites")] + [SelectChoice(str(site.id), str(site)) for site in sites]
    stmt = (select(Subject).join(StudySite, StudySite.id == Subject.site_id)
            .where(Subject.study_id == study.id))
    if filters.site.data and filters.site.data.isdigit():
        stmt = stmt.where(Subject.site_id == int(filters.site.data))
    page = table_page(tool().db_session(), stmt, SUBJECT_COLUMNS, default_sort="subject", tiebreak=Subject.id)
    return render_template("edc/subjects.html", study=study, page=page, filters=filters, form=form,
                           progress=schedule.progress(study, page.items), states=SUBJECT_STATES), status


def _enroll_form(study) -> EnrollForm:
    form = EnrollForm()
    form.site_id.choices = [SelectChoice(site.id, str(site)) for site in access.enrolling_sites(study)]
    return form


@bp.get("/studies/<int:study_id>/subjects")
@requires_permission("view_study")
def subjects(study_id):
    study = study_or_404(study_id)
    return _render_subjects(study, _enroll_form(study))


@bp.post("/studies/<int:study_id>/subjects/enroll")
@requires_permission("enter_data")
def enroll(study_id):
    study = study_or_404(study_id)
    form = _enroll_form(study)
    if form.validate_on_submit():
        allowed = {choice.value for choice in form.site_id.choices}
        site = tool().db_session().get(StudySite, form.site_id.data) if form.site_id.data in allowed else None
        try:
            subject = entry.enroll(study, site, form.subject_key.data)
            tool().db_session().commit()
            flash(f"Subject {subject.subject_key} enrolled at site {site.code}.", "success")
            return redirect(url_for(".subject", subject_id=subject.id))
        except EdcInputError as problems:
            tool().db_session().rollback()
            form.absorb(problems)
        except LockedError as exc:
            tool().db_session().rollback()
            form.form_errors.append(str(exc))
            return _render_subjects(study, form, 409)
    return _render_subjects(study, form, 422)


@bp.get("/subjects/<int:subject_id>")
@requires_permission("view_study")
def subject(subject_id):
    subject = subject_or_404(subject_id)
    study = study_or_404(subject.study_id)
    return render_template("edc/subject.html", study=study, subject=subject, lines=schedule.schedule(study, subject),
                           may_enter=access.may_enter(subject), states=SUBJECT_STATES,
                           locked_reason=entry_locked_reason(study, subject))


@bp.post("/subjects/<int:subject_id>/events/<event_oid>/add")
@requires_permission("enter_data")
def add_event(subject_id, event_oid):
    subject = subject_or_404(subject_id)
    study = study_or_404(subject.study_id)
    if not access.may_enter(subject):
        abort(403, "You may not enter data for this subject.")
    try:
        event = schedule.add_occurrence(study, subject, event_oid)
        tool().db_session().commit()
        flash(f"Occurrence {event.repeat_key} added.", "success")
    except (EdcInputError, LockedError) as exc:
        tool().db_session().rollback()
        flash(str(exc), "error")
    return redirect(url_for(".subject", subject_id=subject.id))


def entry_locked_reason(study, subject, form=None) -> str | None:
    """Why the subject's data (or this form's) cannot change now, None when it can."""
    if study.state != "open":
        return f"The study is {study.state}: its data cannot change."
    if subject.locked or subject.frozen:
        return f"Subject {subject.subject_key} is {'locked' if subject.locked else 'frozen'}: its data cannot change."
    if form is not None and (form.locked or form.frozen):
        return f"This form is {'locked' if form.locked else 'frozen'}: it must be unlocked to change."
    return None
