"""Importing AACT-layout files: the upload form (the import itself runs as a background job,
followed on the host's progress page), and each batch's report of what was imported and every
rejected row with its reason."""
from __future__ import annotations

from flask import redirect, render_template, request

from sdk import requires_permission, upload_limit

from ..domain import AACT_FILES
from ..services import SiteSelectError
from ..services.import_job import start_import
from ..services.imports import UPLOAD_LIMIT, get_batch, list_batches, read_uploads
from . import bp
from .common import commit, found, refuse


@bp.get("/imports")
@requires_permission("import")
def imports():
    return render_template("site_select/imports.html", batches=list_batches(), aact_files=AACT_FILES)


@bp.post("/imports")
@requires_permission("import")
@upload_limit(UPLOAD_LIMIT)
def upload():
    try:
        job = start_import(read_uploads(request.files.getlist("files")))
        commit()  # queues the job (in immediate mode it has run when this returns)
    except SiteSelectError as exc:
        return refuse(exc, "site_select/imports.html", batches=list_batches(), aact_files=AACT_FILES)
    return redirect(job.url)


@bp.get("/imports/<int:batch_id>")
@requires_permission("import")
def import_batch(batch_id: int):
    return render_template("site_select/import_batch.html", batch=found(get_batch(batch_id)))
