"""The search page: one search box over every binder the person sees, or, with ``study_id``
(the binder's Search tab), over one binder; results as the search service finds them."""
from __future__ import annotations

from flask import render_template, request

from sdk import requires_permission

from ..services.errors import EdocsInputError
from ..services.search import search as find
from ..services.studies import studies_in_reach
from . import bp
from .lookups import binder_links, study_or_404

PAGE_RESULTS = 50


@bp.get("/search")
@requires_permission("view_binder")
def search():
    study_id = request.args.get("study_id", type=int)
    study = study_or_404(study_id) if study_id is not None else None
    words = request.args.get("q")
    results, problems = None, []
    if words is not None:
        try:
            results = find(words, study_id=study.id if study else None, limit=PAGE_RESULTS)
        except EdocsInputError as refused:
            problems = refused.messages
    page = render_template("edocs/search.html", study=study, links=binder_links(study) if study else [],
                           binders={} if study else {s.id: s.name for s in studies_in_reach()},
                           words=words or "", results=results, problems=problems, limit=PAGE_RESULTS)
    return page, 422 if problems else 200
