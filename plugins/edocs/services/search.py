"""Search as a person sees it: over every binder they may see, one result per document (its
newest matching version), best match first, each with a snippet of where the words were found.

What a person may see is decided three times over: the index rows come from the tenant-scoped
session (another organization's binders, and other sites' documents for a site-limited grant,
are not there; on PostgreSQL row security says the same), the documents are loaded through it
again, and ``tool().can("view_binder", document)`` has the last word (a member whose role is
limited to one site).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sdk import tool

from ..domain.text_extractors import MATCH_END, MATCH_START
from ..models import Document, Version
from . import search_index
from .errors import EdocsInputError
from .studies import studies_in_reach

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: index rows read per search before grouping them into documents
CANDIDATES = 1000


@dataclass(frozen=True)
class SnippetPart:
    text: str
    matched: bool


@dataclass(frozen=True)
class Result:
    document: Document
    version: Version
    snippet: tuple[SnippetPart, ...]

    @property
    def snippet_text(self) -> str:
        return "".join(part.text for part in self.snippet)


def search(q, *, study_id: int | None = None, limit=DEFAULT_LIMIT) -> list[Result]:
    """The documents matching ``q`` that the acting person may see (in one binder with
    ``study_id``, which the caller has checked is visible); :class:`EdocsInputError` for an
    empty or overlong search or a limit out of 1..100."""
    problems = EdocsInputError()
    query = None
    try:
        query = search_index.parse_query(q)
    except EdocsInputError as refused:
        problems.items.extend(refused.items)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        problems.add("limit", f"Ask for 1 to {MAX_LIMIT} results.")
    problems.raise_if_any()
    session = tool().db_session()
    study_ids = [study_id] if study_id is not None else [study.id for study in studies_in_reach()]
    best = _newest_matching_version(search_index.matching(session, query, study_ids=study_ids, limit=CANDIDATES))
    documents = _visible_documents(session, list(best))
    chosen = [best[document_id] for document_id in best if document_id in documents][:limit]
    versions = {v.id: v for v in session.scalars(select(Version).where(Version.id.in_([h.version_id for h in chosen])))}
    snippets = search_index.snippets(session, query, [hit.search_id for hit in chosen])
    return [Result(documents[hit.document_id], versions[hit.version_id], split_snippet(snippets.get(hit.search_id, "")))
            for hit in chosen if hit.version_id in versions]


def _newest_matching_version(hits: list[search_index.Hit]) -> dict[int, search_index.Hit]:
    """Per document, in order of its best match: the hit of its newest matching version."""
    order: dict[int, search_index.Hit] = {}
    for hit in hits:
        kept = order.get(hit.document_id)
        if kept is None or hit.version_id > kept.version_id:
            order[hit.document_id] = hit
    return order


def _visible_documents(session, document_ids: list[int]) -> dict[int, Document]:
    if not document_ids:
        return {}
    documents = session.scalars(select(Document).where(Document.id.in_(document_ids))
                                .options(selectinload(Document.artifact), selectinload(Document.site)))
    return {d.id: d for d in documents if tool().can("view_binder", d)}


def split_snippet(snippet: str) -> tuple[SnippetPart, ...]:
    """The snippet as plain text parts, the matched ones flagged (the page marks them, escaped);
    stray markers, as from a cut snippet, are dropped."""
    parts: list[SnippetPart] = []
    for index, chunk in enumerate(snippet.split(MATCH_START)):
        matched, _, rest = chunk.partition(MATCH_END) if index else ("", "", chunk)
        if matched:
            parts.append(SnippetPart(matched.replace(MATCH_END, ""), True))
        rest = rest.replace(MATCH_END, "")
        if rest:
            parts.append(SnippetPart(rest, False))
    return tuple(parts)
