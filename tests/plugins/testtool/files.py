"""The test tool's attachments kept by the storage service: PDF only, at most 32 KB, downloaded
with the type, length and name recorded when they were saved (``docs/sdk/files.md``)."""
from flask import render_template, request

from sdk import requires_permission, services, upload_limit
from sdk.files import FileRefused

from .views import _titles, bp

PDF_LIMIT = 32 * 1024


@bp.post("/files")
@requires_permission("edit")
@upload_limit(2 * PDF_LIMIT)  # the request, form fields included; the file itself is held to PDF_LIMIT
def upload_pdf():
    upload = request.files.get("file")
    if upload is None:
        return render_template("testtool/index.html", titles=_titles(), greeting="Choose a file."), 422
    try:
        stored = services().storage.save(upload, allowed_types=("application/pdf",), max_bytes=PDF_LIMIT)
    except FileRefused as exc:
        services().db_session().rollback()
        return render_template("testtool/index.html", titles=_titles(), greeting=str(exc)), exc.status
    services().db_session().commit()
    return render_template("testtool/index.html", titles=_titles(),
                           greeting=f"Saved {stored.original_name} ({stored.size} bytes) as {stored.key}"), 201


@bp.get("/files/<key>")
def download(key):
    return services().storage.send(key)
