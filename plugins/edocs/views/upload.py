"""The upload page: several files at once into one binder, with the filing fields common to the
batch (artifact, level, site, date, language, version label, tags).

With JavaScript (``static/upload.js``) each file is sent on its own to :func:`upload_one`, which
answers JSON, so the page shows a progress bar and the outcome per file. Without it the form
posts every file to :func:`upload_batch`, which files each one on its own (one refused file
leaves the others filed) and lists the outcome per file."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, jsonify, render_template, request, url_for

from sdk import requires_permission, tool, upload_limit
from sdk.forms import InputProblems

from ..services import documents as service
from ..services.access import may_at, visible_sites
from ..services.errors import ConflictError, EdocsInputError, NotAllowed
from ..services.studies import artifacts_of
from . import bp
from .forms import SingleUploadForm, UploadForm
from .lookups import binder_links, study_or_404

MAX_FILES = 20
ONE_FILE_BYTES = service.MAX_FILE_BYTES + 1024 * 1024
BATCH_BYTES = 5 * service.MAX_FILE_BYTES


@dataclass
class Outcome:
    filename: str
    version: object = None
    problem: str = ""


def _open_study(study_id: int):
    study = study_or_404(study_id)
    sites = visible_sites(study)
    if not any(may_at("file_documents", study, s) for s in [None, *sites]):
        abort(403, "Filing documents in this binder needs the 'file_documents' permission.")
    return study, sites


def _render(study, sites, form, outcomes=(), status=200):
    form.offer(artifacts_of(study), sites)
    if not form.is_submitted() and not form.site.data and len(sites) == 1 and not may_at("file_documents", study, None):
        form.level.data, form.site.data = "site", sites[0].code
    return render_template("edocs/upload.html", study=study, form=form, outcomes=list(outcomes),
                           links=binder_links(study), max_files=MAX_FILES,
                           allowed=service.ALLOWED_WORDS), status


def _file_one(study, data: dict, upload) -> Outcome:
    """File one upload and commit it, or roll it back and say why."""
    session = tool().db_session()
    try:
        version = service.file_document(study, data, upload)
        session.commit()
        return Outcome(upload.filename, version=version)
    except (EdocsInputError, ConflictError, NotAllowed) as refused:
        session.rollback()
        message = "; ".join(refused.messages) if isinstance(refused, InputProblems) else str(refused)
        return Outcome(upload.filename, problem=message)


@bp.get("/studies/<int:study_id>/upload")
@requires_permission("file_documents")
def upload(study_id: int):
    """The page; ``?artifact=&level=&site=`` fill the filing fields (the completeness
    dashboard's "File it" link for a missing document)."""
    study, sites = _open_study(study_id)
    asked = {key: request.args.get(key, "")[:40] for key in ("artifact", "level", "site") if request.args.get(key)}
    return _render(study, sites, UploadForm(formdata=None, data=asked))


@bp.post("/studies/<int:study_id>/upload")
@requires_permission("file_documents")
@upload_limit(BATCH_BYTES)
def upload_batch(study_id: int):
    study, sites = _open_study(study_id)
    form = UploadForm()
    if not form.validate():
        return _render(study, sites, form, status=422)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        form.files.errors = ["Choose one or more files to file."]
        return _render(study, sites, form, status=422)
    if len(files) > MAX_FILES:
        form.files.errors = [f"Upload at most {MAX_FILES} files at once."]
        return _render(study, sites, form, status=422)
    data = form.filing_data()
    if len(files) > 1:
        data["title"] = ""
    outcomes = [_file_one(study, data, upload) for upload in files]
    return _render(study, sites, form, outcomes, status=200 if all(o.version for o in outcomes) else 422)


@bp.post("/studies/<int:study_id>/upload/file")
@requires_permission("file_documents")
@upload_limit(ONE_FILE_BYTES)
def upload_one(study_id: int):
    """One file of the page's script: 201 with the new document's link, or the problems."""
    study, _ = _open_study(study_id)
    form = SingleUploadForm()
    if not form.validate():
        return jsonify(form.problems().as_json()), 422
    session = tool().db_session()
    try:
        version = service.file_document(study, form.filing_data(), request.files.get("file"))
        session.commit()
    except EdocsInputError as problems:
        session.rollback()
        return jsonify(problems.as_json()), 422
    except ConflictError as conflict:
        session.rollback()
        return jsonify({"error": "conflict", "message": str(conflict)}), 409
    except NotAllowed as refused:
        session.rollback()
        return jsonify({"error": "forbidden", "message": str(refused)}), 403
    return jsonify({"document_id": version.document_id, "version": version.number, "sha256": version.sha256,
                    "status": version.status, "title": version.document.title,
                    "url": url_for("edocs.document", document_id=version.document_id)}), 201
