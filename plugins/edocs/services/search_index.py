"""The full-text index behind one interface, two backends chosen by the session's database:
SQLite's FTS5 table ``edocs_search_fts`` (the embedded default) and PostgreSQL's tsvector column
``search_vector`` with its GIN index (production); both made by migration edocs_0002.

Both read the person's words the way PostgreSQL's ``websearch_to_tsquery`` does: words are all
required, ``"a phrase"`` in quotes, ``or`` between two alternatives, ``-word`` leaves out.
PostgreSQL parses the text itself (it never raises on odd input); for FTS5 the words are
rebuilt into an expression where every word is a quoted string, so FTS5's own syntax (``*``,
``NEAR(``, ``:``, ``^``, unbalanced quotes) never reaches it.

Every query here is an ORM statement on :class:`SearchText`, so the tenant scoping (and, on
PostgreSQL, row-level security) confines it to what the organization may see; the FTS5 table,
which is not a tenant table, is only ever joined to those rows, never read alone.

Writing needs nothing here: inserting or updating a ``SearchText`` row updates the index (the
FTS5 triggers; the generated column).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, column, func, literal_column, select, table, text

from ..domain.text_extractors import MATCH_END, MATCH_START
from ..models import SearchText
from .errors import EdocsInputError

MAX_QUERY = 200
#: the number of words a snippet shows around the match
SNIPPET_WORDS = 16
_CLAUSE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
_FTS = table("edocs_search_fts", column("rowid"), column("rank"), column("edocs_search_fts"))
_SIMPLE = literal_column("'simple'::regconfig")
#: the generated column of migration edocs_0002 (PostgreSQL only, so not mapped on the model)
_VECTOR = literal_column("search_vector")


@dataclass(frozen=True)
class Hit:
    """One matching version's index row; a lower ``rank`` is a better match."""

    search_id: int
    document_id: int
    version_id: int
    rank: float


@dataclass(frozen=True)
class Query:
    """A person's search, checked: ``text`` as typed (for PostgreSQL), ``fts5`` rebuilt."""

    text: str
    fts5: str


def parse_query(raw) -> Query:
    """The search, or :class:`EdocsInputError` naming what is wrong with it."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise EdocsInputError([("q", "Type a word to search for.")])
    if len(text) > MAX_QUERY:
        raise EdocsInputError([("q", f"Keep the search to {MAX_QUERY} characters.")])
    expression = _fts5_expression(text)
    if not expression:
        raise EdocsInputError([("q", "Search for at least one word; a word after - is left out.")])
    return Query(text, expression)


def _fts5_expression(text: str) -> str:
    """``websearch_to_tsquery``'s reading of ``text`` as an FTS5 expression of quoted strings;
    empty when there is no word to look for."""
    wanted: list[str] = []
    unwanted: list[str] = []
    alternative = False
    for match in _CLAUSE.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                alternative = bool(wanted)
                continue
            negated, bare = ("-" if bare.startswith("-") else ""), bare.lstrip("-")
        words = _WORD.findall(phrase if bare is None else bare)
        if not words:
            continue
        quoted = '"' + " ".join(words) + '"'
        if negated:
            unwanted.append(quoted)
        else:
            wanted.append(("OR " if alternative else "AND " if wanted else "") + quoted)
        alternative = False
    if not wanted:
        return ""
    return " ".join(wanted) + "".join(f" NOT {term}" for term in unwanted)


def matching(session, query: Query, *, study_ids: list[int], limit: int = 500) -> list[Hit]:
    """The best ``limit`` matching index rows of these binders that the organization sees, best
    first. Naming the binders matters on PostgreSQL: row security keeps the text match (not a
    leakproof operator) off the GIN index, so without them every organization's rows would be
    read; with them the study index narrows the rows to the caller's binders first."""
    if _dialect(session) == "postgresql":
        _without_jit(session)
        tsquery = func.websearch_to_tsquery(_SIMPLE, bindparam("q", query.text))
        rank = (-func.ts_rank(_VECTOR, tsquery)).label("rank")
        statement = select(SearchText.id, SearchText.document_id, SearchText.version_id, rank).where(
            _VECTOR.op("@@")(tsquery))
    else:
        statement = (select(SearchText.id, SearchText.document_id, SearchText.version_id, _FTS.c.rank)
                     .join(_FTS, _FTS.c.rowid == SearchText.id)
                     .where(_FTS.c.edocs_search_fts.op("MATCH")(bindparam("q", query.fts5))))
        rank = _FTS.c.rank
    statement = statement.where(SearchText.study_id.in_(study_ids))
    rows = session.execute(statement.order_by(rank, SearchText.id.desc()).limit(limit))
    return [Hit(row[0], row[1], row[2], float(row[3])) for row in rows]


def snippets(session, query: Query, search_ids: list[int]) -> dict[int, str]:
    """A few words around the match in each of these index rows, by id; matches are wrapped in
    ``MATCH_START`` and ``MATCH_END`` (characters no document holds)."""
    if not search_ids:
        return {}
    if _dialect(session) == "postgresql":
        return _headlines(session, query, search_ids)
    snippet = func.snippet(literal_column("edocs_search_fts"), -1, MATCH_START, MATCH_END, "…", SNIPPET_WORDS)
    statement = (select(SearchText.id, snippet)
                 .join(_FTS, _FTS.c.rowid == SearchText.id)
                 .where(_FTS.c.edocs_search_fts.op("MATCH")(bindparam("q", query.fts5)),
                        SearchText.id.in_(search_ids)))
    return {row[0]: row[1] or "" for row in session.execute(statement)}


def _headlines(session, query: Query, search_ids: list[int]) -> dict[int, str]:
    """The text's headline when the text matches, else the metadata's (PostgreSQL's
    ``ts_headline`` returns the first words, unmarked, when its text holds no match)."""
    tsquery = func.websearch_to_tsquery(_SIMPLE, bindparam("q", query.text))
    options = (f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS + 8}, "
               f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=\" … \"")
    statement = select(SearchText.id,
                       func.ts_headline(_SIMPLE, SearchText.text, tsquery, options),
                       func.ts_headline(_SIMPLE, SearchText.metadata_text, tsquery, options),
                       ).where(SearchText.id.in_(search_ids))
    found = {}
    for search_id, body, metadata in session.execute(statement):
        found[search_id] = body if MATCH_START in (body or "") or MATCH_START not in (metadata or "") else metadata
    return found


def _without_jit(session) -> None:
    """Row security's per-row grant check makes the planner overestimate a search's cost past
    ``jit_above_cost``; compiling it then takes longer (15 to 35 ms) than running it. For the
    rest of this transaction only."""
    session.execute(text("SET LOCAL jit = off"))


def _dialect(session) -> str:
    return session.get_bind().dialect.name
