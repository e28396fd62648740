"""The "Exchange" page of a binder: download the binder as a TMF Exchange Mechanism zip, and
import such a zip into it (all or nothing: every problem is listed and nothing is written)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_wtf.file import FileField

from sdk import requires_permission, tool, upload_limit
from sdk.csv_export import attachment_filename
from sdk.forms import ToolForm

from ..models import Study
from ..services import exchange_export, exchange_import
from ..services.errors import ConflictError, NotAllowed
from ..services.studies import may_manage
from . import bp
from .lookups import binder_links, commit_or_refuse, study_or_404


class ImportForm(ToolForm):
    file = FileField("Exchange zip")


def _render(study: Study, form: ImportForm):
    return render_template("edocs/transfer.html", study=study, form=form, links=binder_links(study),
                           may_export=tool().can("manage_binder", study),
                           may_import=may_manage(study) and study.status == "active",
                           limit_mb=exchange_import.MAX_IMPORT_BYTES // (1024 * 1024))


@bp.get("/studies/<int:study_id>/exchange")
@requires_permission("view_binder")
def transfer(study_id: int):
    return _render(study_or_404(study_id), ImportForm(formdata=None))


@bp.get("/studies/<int:study_id>/exchange.zip")
@requires_permission("manage_binder")
def export_exchange(study_id: int):
    study = study_or_404(study_id)
    session = tool().db_session()
    try:
        export = exchange_export.export_binder(study)
        session.commit()
    except ConflictError as conflict:
        session.rollback()
        flash(str(conflict), "error")
        return redirect(url_for("edocs.transfer", study_id=study.id), 303)
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))
    name = attachment_filename(f"{study.protocol or study.name}-tmf-exchange", "zip")
    return send_file(export.stream, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.post("/studies/<int:study_id>/exchange")
@requires_permission("manage_binder")
@upload_limit(exchange_import.MAX_IMPORT_BYTES + 64 * 1024)
def import_exchange(study_id: int):
    study = study_or_404(study_id)
    form = ImportForm()
    if not form.validate():
        return _render(study, form), 422
    outcome = commit_or_refuse(lambda: _render(study, form), form,
                               lambda: exchange_import.import_exchange(study, request.files.get(form.file.name)))
    if outcome.refusal:
        return outcome.refusal
    result = outcome.result
    added = f"; sites added: {', '.join(result.sites_created)}" if result.sites_created else ""
    flash(f"Imported {result.documents} documents with {result.versions} versions{added}.", "success")
    return redirect(url_for("edocs.binder", study_id=study.id), 303)
