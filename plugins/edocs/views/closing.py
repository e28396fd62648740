"""Closing a binder at the study's end: every version still in use is archived, nothing more can
be filed, and the retention periods start from the study's end date. Final, so it asks for the
end date and an explicit confirmation."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from wtforms import BooleanField, StringField

from sdk import requires_permission, tool
from sdk.forms import ToolForm

from ..services import studies
from ..services.errors import ConflictError, EdocsInputError, NotAllowed
from . import bp
from .lookups import binder_links, study_or_404


class CloseForm(ToolForm):
    ended_on = StringField("The study ended on", render_kw={"type": "date"})
    confirm = BooleanField("I understand: every document is archived and the binder takes no more filings")


def _render(study, form, status: int = 200):
    return render_template("edocs/closing.html", study=study, form=form, links=binder_links(study),
                           may_manage=studies.may_manage(study)), status


@bp.get("/studies/<int:study_id>/close")
@requires_permission("view_binder")
def close_page(study_id: int):
    study = study_or_404(study_id)
    return _render(study, CloseForm(formdata=None, data={"ended_on": date.today().isoformat()}))


@bp.post("/studies/<int:study_id>/close")
@requires_permission("manage_binder")
def close_binder(study_id: int):
    study = study_or_404(study_id)
    form = CloseForm()
    if not form.validate():
        return _render(study, form, 422)
    problems = EdocsInputError()
    ended = None
    try:
        ended = date.fromisoformat((form.ended_on.data or "").strip())
    except ValueError:
        problems.add("ended_on", "Give the study's end date (YYYY-MM-DD).")
    if not form.confirm.data:
        problems.add("confirm", "Confirm that the binder is to be closed: it cannot be reopened.")
    session = tool().db_session()
    try:
        problems.raise_if_any()
        archived = studies.close_study(study, ended_on=ended)
        session.commit()
    except EdocsInputError as refused:
        session.rollback()
        form.absorb(refused)
        return _render(study, form, 422)
    except (ConflictError, NotAllowed) as refused:
        session.rollback()
        form.form_errors.append(str(refused))
        return _render(study, form, 409 if isinstance(refused, ConflictError) else 403)
    flash(f"The binder is closed: {archived} version(s) archived; retention runs from {study.ended_on.isoformat()}.",
          "success")
    return redirect(url_for("edocs.retention", study_id=study.id), 303)
