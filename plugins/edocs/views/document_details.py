"""Changing a document's details after filing: title, document date, language, country and tags.
Where it is filed (artifact, level, site) does not change: a misfiled document is filed again.
Each change is in the document's audit trail (the model is audited)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission, tool

from ..models import Study
from ..services import documents as service
from ..services.access import may_at
from ..services.errors import ConflictError, EdocsInputError, NotAllowed
from . import bp
from .forms import DetailsForm
from .lookups import document_or_404


def _may_edit(document) -> Study:
    study = tool().db_session().get(Study, document.study_id)
    if study.status != "active" or not may_at("file_documents", study, document.site):
        abort(403, "You may not change this document's details.")
    return study


@bp.route("/documents/<int:document_id>/details", methods=["GET", "POST"])
@requires_permission("view_binder")
def document_details(document_id: int):
    document = document_or_404(document_id)
    study = _may_edit(document)
    form = DetailsForm(data={"title": document.title, "language": document.language, "country": document.country,
                             "document_date": document.document_date.isoformat() if document.document_date else "",
                             "tags": ", ".join(document.tags), "owner_id": str(document.owner_id or "")})
    owners = service.owners_to_choose(study)
    form.owner_id.choices = [(str(m.user_id), f"{m.name} ({m.email})") for m in owners]
    if form.is_submitted():
        if form.validate():
            session = tool().db_session()
            changes = {name: getattr(form, name).data or "" for name in service.EDITABLE}
            if owners:
                changes["owner_id"] = form.owner_id.data
            try:
                service.update_document(document, changes)
                session.commit()
            except EdocsInputError as problems:
                session.rollback()
                form.absorb(problems)
            except (ConflictError, NotAllowed) as refused:
                session.rollback()
                abort(409 if isinstance(refused, ConflictError) else 403, str(refused))
            else:
                flash("The document's details were saved.", "success")
                return redirect(url_for("edocs.document", document_id=document.id), 303)
        return render_template("edocs/document_details.html", document=document, study=study, form=form, owners=owners), 422
    return render_template("edocs/document_details.html", document=document, study=study, form=form, owners=owners)
