"""Importing AACT-layout files: the upload form (the import itself runs as a background job,
followed on the host's progress page), and each batch's report of what was imported and every
rejected row with its reason."""
from __future__ import annotations

import io
import zipfile

from flask import Response, redirect, render_template

from sdk import requires_permission, tool, upload_limit

from ..forms import ImportForm
from ..services import SiteSelectError
from ..services.demo import STARTER_SITES, STARTER_TRIALS, demo_files
from ..services.import_job import start_import
from ..services.imports import UPLOAD_LIMIT, get_batch, list_batches, read_uploads
from . import bp
from .common import INVALID, commit, found

#: The template's size: enough rows to show every file's shape.
TEMPLATE_SITES, TEMPLATE_TRIALS = 5, 2


@bp.get("/imports")
@requires_permission("import")
def imports():
    return render_template("site_select/imports.html", batches=list_batches(), form=ImportForm(formdata=None))


@bp.post("/imports")
@requires_permission("import")
@upload_limit(UPLOAD_LIMIT)
def upload():
    """Check the files at once (every problem beside the field) and start the import job."""
    form = ImportForm()
    if form.validate_on_submit():
        try:
            job = start_import(read_uploads(form.files.data or []))
            commit()  # queues the job (in immediate mode it has run when this returns)
            return redirect(job.url)
        except SiteSelectError as exc:
            tool().db_session().rollback()
            form.absorb(exc)
    return render_template("site_select/imports.html", batches=list_batches(), form=form), INVALID


@bp.post("/imports/sample")
@requires_permission("import")
def import_sample():
    """Sample sites for an organization that has none yet: synthetic AACT files (made-up sites
    and trials, clearly not real ones) imported by the same job as an upload."""
    job = start_import(demo_files(sites=STARTER_SITES, trials=STARTER_TRIALS))
    commit()
    return redirect(job.url)


@bp.get("/imports/template.zip")
@requires_permission("import")
def import_template():
    """A small, importable example of the AACT files (pipe-separated, with their header rows)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in demo_files(sites=TEMPLATE_SITES, trials=TEMPLATE_TRIALS).items():
            archive.writestr(name, data)
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="aact-import-template.zip"'})


@bp.get("/imports/<int:batch_id>")
@requires_permission("import")
def import_batch(batch_id: int):
    return render_template("site_select/import_batch.html", batch=found(get_batch(batch_id)))
