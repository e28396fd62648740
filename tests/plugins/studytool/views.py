"""Pages: the studies this organization owns or was given, a study with its sites and subjects,
adding subjects, a subject's casebook (signed by the site's investigator), and sharing a study
(the owner only)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.sharing import ShareError

from .models import Study, StudyNote, StudySite, Subject

bp = Blueprint("studytool", __name__, template_folder="templates")


def study_or_404(study_id: int) -> Study:
    study = tool().db_session().get(Study, study_id)
    if study is None or not tool().can("view_study", study):
        abort(404)
    return study


def _study_page(study: Study, status: int = 200):
    session = tool().db_session()
    return render_template(
        "studytool/study.html", study=study,
        sites=session.scalars(select(StudySite).where(StudySite.study_id == study.id).order_by(StudySite.id)).all(),
        subjects=session.scalars(select(Subject).where(Subject.study_id == study.id).order_by(Subject.id)).all(),
        notes=session.scalars(select(StudyNote).where(StudyNote.study_id == study.id).order_by(StudyNote.id)).all(),
        own=study.org_id == tool().current_org().id, grants=tool().sharing.grants_of(study)), status


@bp.get("/")
def index():
    studies = tool().db_session().scalars(select(Study).order_by(Study.id)).all()
    return render_template("studytool/index.html", studies=studies)


@bp.post("/studies")
@requires_permission("manage_study")
def create_study():
    study = Study(title=(request.form.get("title") or "").strip() or "Untitled study")
    tool().db_session().add(study)
    tool().db_session().commit()
    return redirect(url_for("studytool.study", study_id=study.id))


@bp.get("/studies/<int:study_id>")
def study(study_id: int):
    return _study_page(study_or_404(study_id))


@bp.get("/studies/<int:study_id>/subjects/<int:subject_id>")
def subject(study_id: int, subject_id: int):
    """A subject's casebook: its signatures (the site's investigator signs) and history."""
    study = study_or_404(study_id)
    subject = tool().db_session().get(Subject, subject_id)
    if subject is None or subject.study_id != study.id or not tool().can("view_study", subject):
        abort(404)
    return render_template("studytool/subject.html", study=study, subject=subject)


@bp.post("/studies/<int:study_id>/subjects/<int:subject_id>")
@requires_permission("enter_data")
def edit_subject(study_id: int, subject_id: int):
    study = study_or_404(study_id)
    subject = tool().db_session().get(Subject, subject_id)
    if subject is None or subject.study_id != study.id or not tool().can("enter_data", subject):
        abort(404)
    subject.code = (request.form.get("code") or "").strip()[:40] or subject.code
    tool().db_session().commit()
    return redirect(url_for("studytool.subject", study_id=study.id, subject_id=subject.id))


@bp.post("/studies/<int:study_id>/subjects")
@requires_permission("enter_data")
def add_subject(study_id: int):
    study = study_or_404(study_id)
    site = tool().db_session().get(StudySite, request.form.get("site_id", type=int) or 0)
    if site is None or site.study_id != study.id:
        abort(404, "There is no such site in this study.")
    subject = Subject(study=study, site=site, code=(request.form.get("code") or "").strip()[:40] or "S-?")
    if not tool().can("enter_data", subject):
        abort(403, "You cannot enter subjects at this site.")
    tool().db_session().add(subject)
    tool().db_session().commit()
    return redirect(url_for("studytool.study", study_id=study.id))


@bp.post("/studies/<int:study_id>/share")
@requires_permission("manage_study")
def share(study_id: int):
    study = study_or_404(study_id)
    if not tool().can("manage_study", study):
        abort(403, "Only the study's owner can share it.")
    site_id = request.form.get("site_id", type=int)
    site = tool().db_session().get(StudySite, site_id) if site_id else None
    try:
        tool().sharing.share(study, with_org=request.form.get("org", ""), roles=request.form.getlist("role"),
                             site_id=site.id if site else None, site_label=site.name if site else None)
    except ShareError as exc:
        tool().db_session().rollback()
        flash(str(exc), "error")
        return _study_page(study, 400)
    tool().db_session().commit()
    flash("Invitation sent.", "success")
    return redirect(url_for("studytool.study", study_id=study.id))
