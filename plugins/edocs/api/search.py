"""edocs API: full-text search over every binder the caller may see (``view_binder``); the
results hold nothing the caller may not open. A ``study`` the caller cannot see answers 404."""
from __future__ import annotations

from flask import jsonify

from sdk import requires_permission
from sdk.api_docs import responds, takes_query

from ..services import search as service
from . import api, search_schemas
from .refusals import refusals, visible_study


def result_json(result: service.Result) -> dict:
    document, version = result.document, result.version
    return {"document_id": document.id, "study_id": document.study_id, "artifact": document.artifact.number,
            "artifact_name": document.artifact.name, "title": document.title,
            "site": document.site.code if document.site else None,
            "version": {"id": version.id, "number": version.number, "label": version.label, "status": version.status},
            "snippet": result.snippet_text}


@api.get("/search")
@requires_permission("view_binder")
@takes_query(search_schemas.SearchQuery)
@responds(200, "The documents found, best match first", schema=search_schemas.SearchResults)
@responds(404, "No such binder (study), or not one the caller sees")
def search(query: dict):
    """Search the documents' text, titles, tags and artifacts

    Text is extracted from PDF, Word and plain-text files by a background job after each upload;
    a version whose job has not run yet is found by its metadata only."""
    study_id = query.get("study")
    if study_id is not None:
        visible_study(study_id)
    with refusals():
        results = service.search(query["q"], study_id=study_id, limit=query["limit"])
    return jsonify(results=[result_json(result) for result in results])
