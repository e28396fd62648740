"""Finding the record a page names, as the acting person may see it, and committing a change or
showing its problems: shared by every page of edocs.

A binder, document or version of another organization (or of a site outside a site
organization's grant) is simply not there: 404, never saying it exists. A record the person sees
but may not act on: 403 with a sentence saying what is missing."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, url_for
from werkzeug.routing import BuildError

from sdk import tool

from ..models import Document, Study, Version
from ..services import access
from ..services.errors import ConflictError, EdocsInputError, NotAllowed

#: a binder's pages, in the sub-navigation's order: (key, label, endpoint); a page whose view
#: does not exist (yet) is left out
BINDER_PAGES = (("binder", "Binder", "edocs.binder"), ("upload", "Upload", "edocs.upload"),
                ("qc", "QC queue", "edocs.qc_queue_page"), ("completeness", "Completeness", "edocs.completeness"),
                ("milestones", "Milestones", "edocs.milestones"),
                ("search", "Search", "edocs.search"), ("retention", "Retention", "edocs.retention"),
                ("transfer", "Exchange", "edocs.transfer"), ("sharing", "Sharing", "edocs.sharing"))


def study_or_404(study_id: int) -> Study:
    study = access.visible_study(study_id)
    if study is None:
        abort(404)
    return study


def document_or_404(document_id: int) -> Document:
    document = access.visible_document(document_id)
    if document is None:
        abort(404)
    return document


def version_or_404(version_id: int) -> Version:
    version = access.visible_version(version_id)
    if version is None:
        abort(404)
    return version


def binder_links(study: Study) -> list[tuple[str, str, str]]:
    """(key, label, url) of the binder's pages whose views exist; the template marks ``here``."""
    links = []
    for key, label, endpoint in BINDER_PAGES:
        if endpoint not in current_app.view_functions:
            continue
        try:
            links.append((key, label, url_for(endpoint, study_id=study.id)))
        except BuildError:
            continue
    return links


@dataclass
class Outcome:
    """What ``commit_or_refuse`` did: the action's ``result``, or the ``refusal`` to answer."""

    result: object = None
    refusal: object = None


def commit_or_refuse(render, form, action) -> Outcome:
    """Run ``action`` and commit; on refusal roll back, put every problem on ``form`` and answer
    ``render()`` with 422 (409 for a state conflict). A refusal of rights answers 403."""
    session = tool().db_session()
    try:
        result = action()
        session.commit()
        return Outcome(result=result)
    except EdocsInputError as problems:
        session.rollback()
        form.absorb(problems)
        return Outcome(refusal=(render(), 422))
    except ConflictError as conflict:
        session.rollback()
        form.form_errors.append(str(conflict))
        return Outcome(refusal=(render(), 409))
    except NotAllowed as refusal:
        session.rollback()
        abort(403, str(refusal) or "You may not do this.")
