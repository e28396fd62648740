"""The shapes of edocs' search API (marshmallow); the rules (the search's length, the limit's
bounds) are the search service's, so the page and the API say the same words."""
from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import Strict


class SearchQuery(Strict):
    q = fields.String(required=True, metadata={
        "description": 'The words to find (all of them); "a phrase" in quotes, or between two '
                       "alternatives, -word to leave out; at most 200 characters"})
    study = fields.Integer(metadata={"description": "Search this binder only (its id)"})
    limit = fields.Integer(load_default=20, metadata={"description": "At most this many documents (1 to 100)"})


class FoundVersion(Schema):
    id = fields.Integer()
    number = fields.Integer()
    label = fields.String()
    status = fields.String(metadata={"description": "draft, qc, rejected, approved, effective, superseded "
                                                    "or archived"})


class SearchResult(Schema):
    document_id = fields.Integer(required=True)
    study_id = fields.Integer(required=True)
    artifact = fields.String(required=True, metadata={"description": "The TMF Reference Model artifact's "
                                                                     "number, e.g. 05.02.04"})
    artifact_name = fields.String()
    title = fields.String(required=True)
    site = fields.String(allow_none=True, metadata={"description": "The site number of a site document"})
    version = fields.Nested(FoundVersion, metadata={"description": "The document's newest version that matches"})
    snippet = fields.String(required=True, metadata={"description": "Plain text around the match"})


class SearchResults(Schema):
    results = fields.List(fields.Nested(SearchResult), required=True,
                          metadata={"description": "One per document, best match first"})
