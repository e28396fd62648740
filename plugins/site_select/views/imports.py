"""Importing AACT-layout files: the upload form, and each batch's report of what was imported
and every rejected row with its reason."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from sdk import requires_permission, upload_limit

from ..domain import AACT_FILES
from ..services import SiteSelectError
from ..services.imports import UPLOAD_LIMIT, get_batch, import_aact, list_batches, read_uploads
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
        batch = import_aact(read_uploads(request.files.getlist("files")))
        commit()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/imports.html", batches=list_batches(), aact_files=AACT_FILES)
    flash(f"Imported {batch.sites_created} new sites and {batch.history_created} trial records; "
          f"{batch.rejected_count} rows rejected.", "success" if not batch.rejected_count else "warning")
    return redirect(url_for("site_select.import_batch", batch_id=batch.id))


@bp.get("/imports/<int:batch_id>")
@requires_permission("import")
def import_batch(batch_id: int):
    return render_template("site_select/import_batch.html", batch=found(get_batch(batch_id)))
