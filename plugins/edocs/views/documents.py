"""A document's page: its metadata, its versions (newest first) with their status, who filed and
who reviewed them, the approval signatures and the audit trail; the lifecycle steps the person
may take; a new version; the download and the in-browser preview of a file.

Passing QC *is* signing: the kit's signature dialog posts to :func:`transition` with ``to =
approved``, which signs with meaning "approved" through the service and moves the version. A
refused signature (a wrong password) is flashed and nothing changes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from sdk import frameable_by_own_pages, requires_permission, tool, upload_limit
from sdk.files import FileCorrupted

from ..domain.lifecycle import LABELS
from ..models import Study
from ..services import documents as service
from ..services import stored_files, transitions
from ..services.access import may_at
from ..services.errors import ConflictError, EdocsInputError, NotAllowed
from ..services.retention import retention_of
from . import bp
from .forms import RejectForm, VersionForm
from .lookups import binder_links, document_or_404, version_or_404
from .version_history import allowed_steps, version_rows

#: a file and its form fields
UPLOAD_BYTES = service.MAX_FILE_BYTES + 1024 * 1024
DONE = {"qc": "sent to QC", "rejected": "rejected", "approved": "passed QC and approved", "effective": "made effective"}


def render_document(document, *, reject_form=None, version_form=None, status: int = 200):
    study = tool().db_session().get(Study, document.study_id)
    versions = service.versions_of(document)
    newest = versions[-1] if versions else None
    return render_template(
        "edocs/document.html", document=document, study=study, rows=version_rows(versions), newest=newest,
        steps=allowed_steps(newest, document, study), labels=LABELS, links=binder_links(study),
        may_add_version=study.status == "active" and may_at("file_documents", study, document.site),
        reject_form=reject_form or RejectForm(formdata=None), version_form=version_form or VersionForm(formdata=None),
        signed=[v for v in reversed(versions) if v.approved_at is not None and v is not newest],
        retention=retention_of(document), filed_by=_filed_by(document), owner=_owner_name(document, study)), status


def _owner_name(document, study) -> str:
    """The owner's name, for the binder owner's people (a grantee cannot look up another's)."""
    return next((f"{m.name} ({m.email})" for m in service.owners_to_choose(study) if m.user_id == document.owner_id), "")


def _filed_by(document) -> str:
    """Who filed the document, as the audit trail names them."""
    entries = tool().audit.history(entity_type="document", entity_id=str(document.id))
    return entries[0].actor if entries else ""


@bp.get("/documents/<int:document_id>")
@requires_permission("view_binder")
def document(document_id: int):
    return render_document(document_or_404(document_id))


@bp.post("/versions/<int:version_id>/transitions/<to>")
@requires_permission("view_binder")
def transition(version_id: int, to: str):
    """One lifecycle step of a version; the rights it needs are the service's to check."""
    version = version_or_404(version_id)
    document = document_or_404(version.document_id)
    back = url_for("edocs.document", document_id=document.id)
    reject_form = RejectForm()
    session = tool().db_session()
    try:
        transitions.transition(version, to, reason=reject_form.reason.data if to == "rejected" else None,
                               password=request.form.get("password") or "", email=request.form.get("email") or None)
        session.commit()
    except EdocsInputError as problems:
        session.rollback()
        reject_form.absorb(problems)
        return render_document(document, reject_form=reject_form, status=422)
    except ConflictError as conflict:
        session.rollback()
        flash(str(conflict), "error")
        return redirect(back, 303)
    except NotAllowed as refused:
        session.rollback()
        if to != "approved":
            abort(403, str(refused))
        flash(str(refused), "error")
        return redirect(back, 303)
    flash(f"Version {version.number} {DONE.get(to, 'moved')}.", "success")
    return redirect(back, 303)


@bp.post("/documents/<int:document_id>/versions")
@requires_permission("file_documents")
@upload_limit(UPLOAD_BYTES)
def new_version(document_id: int):
    document = document_or_404(document_id)
    form = VersionForm()
    if not form.validate():
        return render_document(document, version_form=form, status=422)
    session = tool().db_session()
    try:
        version = service.add_version(document, {"version_label": form.version_label.data or None},
                                      request.files.get("file"))
        session.commit()
    except EdocsInputError as problems:
        session.rollback()
        form.absorb(problems)
        return render_document(document, version_form=form, status=422)
    except ConflictError as conflict:
        session.rollback()
        form.form_errors.append(str(conflict))
        return render_document(document, version_form=form, status=409)
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))
    flash(f"Version {version.number} filed as a draft.", "success")
    return redirect(url_for("edocs.document", document_id=document.id), 303)


@bp.get("/versions/<int:version_id>/file")
@frameable_by_own_pages
@requires_permission("view_binder")
def version_file(version_id: int):
    """The version's file, verified against its SHA-256; ``inline=1`` opens it in the browser
    (the PDF preview, framed by the document's page) instead of downloading it."""
    version = version_or_404(version_id)
    try:
        return stored_files.send_version(version, inline=request.args.get("inline") == "1")
    except FileCorrupted:
        abort(409, "The stored file does not match its SHA-256: it was damaged and is not served. "
                   "Tell your administrator.")
