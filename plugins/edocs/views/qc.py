"""The QC queue: versions waiting for QC that the person may review, oldest first, across every
binder they see or in one binder. A version the person uploaded is listed as not theirs to
review (QC is independent)."""
from __future__ import annotations

from flask import render_template

from sdk import requires_permission, tool, utcnow
from sdk.tables import Column, list_page

from ..models import Document, Study
from ..services import current_user_id
from ..services.transitions import qc_queue
from . import bp
from .lookups import binder_links, study_or_404
from .version_history import version_rows

QUEUE_COLUMNS = (
    Column("age", "Waiting", lambda row: row["version"].uploaded_at, width="7rem"),
    Column("document", "Document", lambda row: row["document"].title.lower()),
    Column("artifact", "Artifact", lambda row: row["document"].artifact.number, width="14rem"),
    Column("site", "Site", lambda row: row["document"].site.code if row["document"].site else "", width="7rem"),
    Column("uploaded_by", "Uploaded by", width="12rem"),
)


def _age(uploaded_at) -> str:
    waited = utcnow() - uploaded_at
    if waited.days >= 1:
        return f"{waited.days} day{'s' if waited.days != 1 else ''}"
    hours = waited.seconds // 3600
    return f"{hours} h" if hours else "under an hour"


def _queue_page(study: Study | None):
    versions = qc_queue(study)
    session = tool().db_session()
    names = {row.version.id: row.uploaded_by for row in version_rows(versions)}
    me = current_user_id()
    rows = [{"version": v, "document": session.get(Document, v.document_id), "age": _age(v.uploaded_at),
             "uploaded_by": names.get(v.id, ""), "mine": v.uploaded_by_id == me,
             "study": session.get(Study, v.study_id)} for v in versions]
    return list_page(rows, QUEUE_COLUMNS, default_sort="age")


@bp.get("/qc")
@requires_permission("qc_review")
def qc_all():
    return render_template("edocs/qc.html", page=_queue_page(None), study=None, links=[])


@bp.get("/studies/<int:study_id>/qc")
@requires_permission("qc_review")
def qc_queue_page(study_id: int):
    study = study_or_404(study_id)
    return render_template("edocs/qc.html", page=_queue_page(study), study=study, links=binder_links(study))
