"""Review and lock pages: the study's review table (subjects with their forms' SDV and lock
state and the casebook signature), the casebook of one subject (read-only values, the signature
block, the history), and the steps: verify, freeze, lock, and reopening with a reason.

A step is a POST to ``.../review/<level>/<id>/<step>``; a step that needs a reason (unfreeze,
unlock) first shows a page with the reason field (GET), which a refused post shows again with
the problem beside the field (422) or the conflict at the top (409)."""
from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk import requires_permission, tool
from sdk.forms import ToolForm
from sdk.tables import Column, table_page

from ..models import FormInstance, Study, StudySite, Subject
from ..services import review
from ..services.casebook import casebook, subject_reviews
from ..services.errors import EdcInputError, LockedError, NotAllowed
from . import bp

LOCK_STEPS = ("freeze", "lock", "unfreeze", "unlock")
REOPEN_STEPS = ("unfreeze", "unlock")
DONE = {"freeze": "frozen", "lock": "locked", "unfreeze": "reopened (unfrozen)", "unlock": "unlocked",
        "verify": "verified", "unverify": "no longer verified"}
REVIEW_COLUMNS = (
    Column("subject", "Subject", Subject.subject_key, width="8rem"),
    Column("site", "Site", StudySite.code, width="6rem"),
    Column("forms", "Forms", width="13rem"),
    Column("state", "Lock state", width="7rem"),
    Column("signature", "Casebook signature", width="10rem"),
)


class ReasonForm(ToolForm):
    reason = TextAreaField("Reason for change", render_kw={"rows": 3, "maxlength": review.REASON_LIMIT})


class SiteFilter(ToolForm):
    class Meta:
        csrf = False

    site = SelectField("Site", choices=[], default="")


def study_or_404(study_id: int) -> Study:
    study = tool().db_session().get(Study, study_id)
    if study is None or not tool().can("view_study", study):
        abort(404)
    return study


def record_or_404(study: Study, level: str, record_id: int):
    """The study itself, or one of its subjects or forms this organization sees."""
    if level == "study":
        return study if record_id == study.id else abort(404)
    model = {"subject": Subject, "form": FormInstance}.get(level)
    record = tool().db_session().get(model, record_id) if model else None
    if record is None or record.study_id != study.id or not tool().can("view_study", record):
        abort(404)
    return record


def _back(study: Study, record) -> str:
    if isinstance(record, Study):
        return url_for("edc.review_page", study_id=study.id)
    subject_id = record.subject_id if isinstance(record, FormInstance) else record.id
    return url_for("edc.casebook_page", study_id=study.id, subject_id=subject_id)


@bp.get("/studies/<int:study_id>/review")
@requires_permission("view_study")
def review_page(study_id: int):
    study = study_or_404(study_id)
    session = tool().db_session()
    sites = list(session.scalars(select(StudySite).where(StudySite.study_id == study.id).order_by(StudySite.code)))
    filters = SiteFilter(request.args)
    filters.site.choices = [SelectChoice("", "All sites")] + [SelectChoice(str(site.id), str(site)) for site in sites]
    stmt = select(Subject).join(StudySite, StudySite.id == Subject.site_id).where(Subject.study_id == study.id)
    if (filters.site.data or "").isdigit():
        stmt = stmt.where(Subject.site_id == int(filters.site.data))
    page = table_page(session, stmt, REVIEW_COLUMNS, default_sort="subject", tiebreak=Subject.id)
    page = replace(page, items=subject_reviews(page.items))
    return render_template("edc/review.html", study=study, page=page, filters=filters,
                           can_lock=tool().can("lock", study))


@bp.get("/studies/<int:study_id>/subjects/<int:subject_id>/casebook")
@requires_permission("view_study")
def casebook_page(study_id: int, subject_id: int):
    study = study_or_404(study_id)
    subject = record_or_404(study, "subject", subject_id)
    return render_casebook(study, subject)


def render_casebook(study: Study, subject: Subject, status: int = 200, problem: str | None = None):
    forms = casebook(study, subject)
    return render_template("edc/casebook.html", study=study, subject=subject, forms=forms, problem=problem,
                           incomplete=[entry for entry in forms if not entry.complete],
                           can_lock=tool().can("lock", subject), can_verify=tool().can("verify", subject),
                           subject_state=review.state_of(subject)), status


@bp.route("/studies/<int:study_id>/review/<any(study,subject,form):level>/<int:record_id>/"
          "<any(freeze,lock,unfreeze,unlock):step>", methods=["GET", "POST"])
@requires_permission("lock")
def lock_step(study_id: int, level: str, record_id: int, step: str):
    study = study_or_404(study_id)
    record = record_or_404(study, level, record_id)
    return _step(study, record, step)


@bp.route("/studies/<int:study_id>/review/form/<int:record_id>/<any(verify,unverify):step>",
          methods=["GET", "POST"])
@requires_permission("verify")
def verify_step(study_id: int, record_id: int, step: str):
    study = study_or_404(study_id)
    return _step(study, record_or_404(study, "form", record_id), step)


def _step(study: Study, record, step: str):
    form = ReasonForm()
    if request.method == "GET":
        return _confirm(study, record, step, form)
    if not form.validate_on_submit():
        return _confirm(study, record, step, form, status=400)
    reason = form.reason.data or ""
    try:
        if step in REOPEN_STEPS:
            getattr(review, step)(record, reason)
        elif step == "unverify":
            review.unverify(record, reason)
        else:
            getattr(review, step)(record)
        tool().db_session().commit()
    except EdcInputError as problems:
        tool().db_session().rollback()
        form.absorb(problems)
        return _confirm(study, record, step, form, status=422)
    except NotAllowed as refused:
        tool().db_session().rollback()
        return _confirm(study, record, step, form, status=403, problem=str(refused))
    except LockedError as conflict:
        tool().db_session().rollback()
        return _confirm(study, record, step, form, status=409, problem=str(conflict))
    flash(f"{review.name_of(record)}: {DONE[step]}.", "success")
    return redirect(_back(study, record))


def _confirm(study: Study, record, step: str, form: ReasonForm, *, status: int = 200, problem: str | None = None):
    """The step's own page: what it does, the reason field when it takes one, the conflict."""
    return render_template("edc/review_step.html", study=study, record=record, step=step, form=form,
                           name=review.name_of(record), state=review.state_of(record), problem=problem,
                           needs_reason=step in REOPEN_STEPS, back=_back(study, record),
                           action=request.path), status
