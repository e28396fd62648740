"""Appending to and verifying the per-organization hash chains of the audit trail.

Each entry stores the SHA-256 of its own canonical serialization, which includes the hash of the
entry before it in the same chain; the chain head (``audit_chain``) holds the last sequence number
and hash. Appends lock the head row first (a row lock on PostgreSQL, the write lock on SQLite),
so concurrent writers in one organization line up and the chain never forks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sdk.audit import canonical_json, sha256_hex, to_jsonable

from ..models.compliance import PLATFORM_CHAIN, AuditChain, AuditEntry

GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("chain_key", "seq", "org_id", "at", "actor_type", "actor_id", "actor_label", "tool",
                 "entity_type", "entity_id", "action", "changes", "reason", "request_id", "prev_hash")
_entries = AuditEntry.__table__
_heads = AuditChain.__table__


def entry_hash(fields) -> str:
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name)
    return sha256_hex(canonical_json({name: to_jsonable(get(name)) for name in HASHED_FIELDS}))


def _ensure_head(connection, key: int) -> None:
    dialect = connection.dialect.name
    values = {"chain_key": key, "last_seq": 0, "last_hash": GENESIS_HASH}
    if dialect == "postgresql":
        connection.execute(pg_insert(_heads).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        connection.execute(sqlite_insert(_heads).values(values).on_conflict_do_nothing())
    elif connection.execute(select(_heads.c.chain_key).where(_heads.c.chain_key == key)).first() is None:
        connection.execute(insert(_heads).values(values))


def append(connection, entry: dict) -> dict:
    """Append one entry (without chain fields) to its organization's chain; returns the row."""
    key = entry.get("org_id") or PLATFORM_CHAIN
    _ensure_head(connection, key)
    connection.execute(update(_heads).where(_heads.c.chain_key == key)
                       .values(last_seq=_heads.c.last_seq))  # take the lock before reading
    last_seq, last_hash = connection.execute(
        select(_heads.c.last_seq, _heads.c.last_hash).where(_heads.c.chain_key == key)).one()
    row = {**entry, "chain_key": key, "seq": last_seq + 1, "prev_hash": last_hash}
    row["hash"] = entry_hash(row)
    connection.execute(insert(_entries).values(row))
    connection.execute(update(_heads).where(_heads.c.chain_key == key)
                       .values(last_seq=row["seq"], last_hash=row["hash"]))
    return row


@dataclass(frozen=True)
class BrokenLink:
    chain_key: int
    entry_id: int | None
    seq: int
    problem: str

    def describe(self, org_label: str) -> str:
        where = f"audit entry id {self.entry_id} (#{self.seq})" if self.entry_id else f"entry #{self.seq}"
        return f"{org_label}: {where}: {self.problem}"


def verify_chain(connection, key: int) -> tuple[int, BrokenLink | None]:
    """Walk one chain; return the number of entries checked and the first broken link."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    rows = connection.execute(select(_entries).where(_entries.c.chain_key == key)
                              .order_by(_entries.c.seq)).mappings()
    for row in rows:
        count += 1
        if row["seq"] != expected_seq:
            return count, BrokenLink(key, row["id"], row["seq"],
                                     f"entries #{expected_seq} to #{row['seq'] - 1} are missing (deleted)")
        if row["prev_hash"] != prev_hash:
            return count, BrokenLink(key, row["id"], row["seq"], "does not link to the entry before it")
        if entry_hash(dict(row)) != row["hash"]:
            return count, BrokenLink(key, row["id"], row["seq"],
                                     "its content does not match its hash (altered after it was written)")
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    head = connection.execute(select(_heads).where(_heads.c.chain_key == key)).mappings().first()
    if head is not None and (head["last_seq"] != expected_seq - 1 or head["last_hash"] != prev_hash):
        return count, BrokenLink(key, None, head["last_seq"],
                                 f"the chain ends at #{expected_seq - 1} but its head records "
                                 f"#{head['last_seq']} (entries deleted at the end)")
    return count, None


def chain_keys(connection) -> list[int]:
    keys = set(connection.execute(select(_heads.c.chain_key)).scalars())
    keys |= set(connection.execute(select(_entries.c.chain_key).distinct()).scalars())
    return sorted(keys)
