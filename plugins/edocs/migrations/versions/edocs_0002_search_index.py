"""edocs full-text search index: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL

Revision ID: edocs_0002
Revises: edocs_0001
Create Date: 2026-11-30 14:10:00

SQLite: ``edocs_search_fts`` is an FTS5 table over ``edocs_search_text`` (external content: the
text is stored once, in the tenant table) kept in step by three triggers, the pattern of the
FTS5 documentation (section 4.4.3). It is not a tenant table, so edocs only ever reads it joined
back to the scoped ``SearchText`` rows (``services/search_index.py``).

PostgreSQL: ``search_vector``, a stored generated tsvector of the metadata and the text, with a
GIN index; stored (not an expression index) so ranking and matching read it instead of parsing
every matching row's text again. The row-level security of ``edocs_search_text`` covers it.
"""
from alembic import op

revision = "edocs_0002"
down_revision = "edocs_0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE edocs_search_fts USING fts5(
           metadata_text, text, content='edocs_search_text', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER edocs_search_text_fts_insert AFTER INSERT ON edocs_search_text BEGIN
           INSERT INTO edocs_search_fts(rowid, metadata_text, text)
           VALUES (new.id, new.metadata_text, new.text);
       END""",
    """CREATE TRIGGER edocs_search_text_fts_delete AFTER DELETE ON edocs_search_text BEGIN
           INSERT INTO edocs_search_fts(edocs_search_fts, rowid, metadata_text, text)
           VALUES ('delete', old.id, old.metadata_text, old.text);
       END""",
    """CREATE TRIGGER edocs_search_text_fts_update AFTER UPDATE ON edocs_search_text BEGIN
           INSERT INTO edocs_search_fts(edocs_search_fts, rowid, metadata_text, text)
           VALUES ('delete', old.id, old.metadata_text, old.text);
           INSERT INTO edocs_search_fts(rowid, metadata_text, text)
           VALUES (new.id, new.metadata_text, new.text);
       END""",
    "INSERT INTO edocs_search_fts(edocs_search_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS edocs_search_text_fts_update",
    "DROP TRIGGER IF EXISTS edocs_search_text_fts_delete",
    "DROP TRIGGER IF EXISTS edocs_search_text_fts_insert",
    "DROP TABLE IF EXISTS edocs_search_fts",
]
POSTGRESQL_UP = [
    """ALTER TABLE edocs_search_text ADD COLUMN search_vector tsvector
           GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, metadata_text || ' ' || text)) STORED""",
    "CREATE INDEX ix_edocs_search_text_search_vector ON edocs_search_text USING gin (search_vector)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_edocs_search_text_search_vector",
    "ALTER TABLE edocs_search_text DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: dict[str, list[str]]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in statements:
        raise NotImplementedError(f"edocs search supports SQLite and PostgreSQL, not {dialect}")
    for statement in statements[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
