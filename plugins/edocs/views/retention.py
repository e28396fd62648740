"""The "Retention and holds" page of a binder (each artifact's retention period, editable by the
owner's managers, and the documents under legal hold), and the hold, release and delete buttons
of a document's page (``_document_retention.html``).

A refused deletion is flashed on the document's page with the retention date or the hold; the
service has already written the refusal to the audit trail."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from wtforms import HiddenField, IntegerField, SelectField, StringField

from sdk import requires_permission, tool
from sdk.forms import ToolForm
from sdk.tables import Column, list_page

from ..models import Study
from ..services import retention as service
from ..services import studies
from ..services.errors import ConflictError, EdocsInputError, NotAllowed
from . import bp
from .lookups import binder_links, commit_or_refuse, document_or_404, study_or_404

ARTIFACT_COLUMNS = (
    Column("number", "Artifact", lambda a: a.number, width="7rem"),
    Column("name", "Name", lambda a: a.name.lower()),
    Column("zone", "Zone", lambda a: a.zone_name.lower(), width="14rem"),
    Column("years", "Years kept", lambda a: a.retention_years, numeric=True, width="8rem"),
)


class RetentionForm(ToolForm):
    artifact = SelectField("Artifact", validate_choice=False)
    retention_years = IntegerField("Years after the study's end")


class HoldForm(ToolForm):
    """Distinct field names: the document page holds several forms with a reason."""

    hold_on = HiddenField()
    hold_reason = StringField("Reason", render_kw={"maxlength": service.MAX_REASON})


class DeleteForm(ToolForm):
    delete_reason = StringField("Reason for deletion", render_kw={"maxlength": service.MAX_REASON})


@bp.context_processor
def retention_helpers():
    """What ``_document_retention.html`` needs beyond its ``document`` and ``retention``."""
    def may_manage_document(document) -> bool:
        return studies.may_manage(tool().db_session().get(Study, document.study_id))

    return {"may_manage_document": may_manage_document,
            "hold_form": lambda: HoldForm(formdata=None), "delete_form": lambda: DeleteForm(formdata=None)}


def _render(study: Study, form: RetentionForm):
    artifacts = studies.artifacts_of(study)
    form.artifact.choices = [(a.number, f"{a.number} {a.name}") for a in artifacts]
    ended = study.ended_on if study.status == "closed" else None
    return render_template("edocs/retention.html", study=study, form=form, links=binder_links(study),
                           page=list_page(artifacts, ARTIFACT_COLUMNS, default_sort="number"),
                           held=service.documents_on_hold(study), ended=ended, add_years=service.add_years,
                           may_manage=studies.may_manage(study))


@bp.get("/studies/<int:study_id>/retention")
@requires_permission("view_binder")
def retention(study_id: int):
    return _render(study_or_404(study_id), RetentionForm(formdata=None))


@bp.post("/studies/<int:study_id>/retention")
@requires_permission("manage_binder")
def set_retention(study_id: int):
    study = study_or_404(study_id)
    if not studies.may_manage(study):
        abort(403, "Only the binder owner's managers set retention periods.")
    form = RetentionForm()
    if not form.validate():
        return _render(study, form), 422
    outcome = commit_or_refuse(lambda: _render(study, form), form,
                               lambda: studies.set_retention(study, form.artifact.data or "", form.retention_years.data))
    if outcome.refusal:
        return outcome.refusal
    artifact = outcome.result
    flash(f"{artifact.number} {artifact.name} is now kept {artifact.retention_years} years after the study's end.",
          "success")
    return redirect(url_for("edocs.retention", study_id=study.id), 303)


def _act_on_document(document, action, done: str, success_url: str):
    """Run a retention action on a document and commit: on success go to ``success_url``; a
    refusal is flashed with its reason on the document's page (nothing else changed)."""
    back = url_for("edocs.document", document_id=document.id)
    session = tool().db_session()
    try:
        action(document)
        session.commit()
    except (EdocsInputError, ConflictError) as refused:
        session.rollback()
        message = "; ".join(m for _, m in refused.items) if isinstance(refused, EdocsInputError) else str(refused)
        flash(message, "error")
        return redirect(back, 303)
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))
    flash(done, "success")
    return redirect(success_url, 303)


def _expired(document_id: int):
    flash("The form expired; try again.", "error")
    return redirect(url_for("edocs.document", document_id=document_id), 303)


@bp.post("/documents/<int:document_id>/hold")
@requires_permission("manage_binder")
def hold_document(document_id: int):
    document = document_or_404(document_id)
    form = HoldForm()
    if not form.validate():
        return _expired(document_id)
    on = form.hold_on.data == "1"
    return _act_on_document(document, lambda d: service.set_hold(d, on, form.hold_reason.data),
                            "The document is under legal hold." if on else "The legal hold was released.",
                            url_for("edocs.document", document_id=document.id))


@bp.post("/documents/<int:document_id>/delete")
@requires_permission("manage_binder")
def delete_document(document_id: int):
    document = document_or_404(document_id)
    form = DeleteForm()
    if not form.validate():
        return _expired(document_id)
    return _act_on_document(document, lambda d: service.delete_document(d, form.delete_reason.data),
                            f"{document.title} was deleted, with its versions.",
                            url_for("edocs.binder", study_id=document.study_id))
