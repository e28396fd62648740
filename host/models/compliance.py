"""The audit trail (append-only, hash-chained per organization) and electronic signatures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sdk.models import Base, TenantMixin, UTCDateTime, utcnow
from sdk.tenancy.sharing import RowSharing

#: ``chain_key`` of entries that belong to no organization (sign-ins, platform users).
PLATFORM_CHAIN = 0
ACTOR_TYPES = ("user", "token", "system", "webhook", "anonymous")


class AuditEntry(Base):
    """One audited event. Written only by :mod:`host.compliance.chain`; never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        UniqueConstraint("chain_key", "seq"),
        Index("ix_audit_entry_record", "org_id", "tool", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_key: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    actor_type: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_label: Mapped[str] = mapped_column(String(254), nullable=False)
    tool: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    changes: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditChain(Base):
    """The head of one organization's chain; its row lock serializes appends."""

    __tablename__ = "audit_chain"

    chain_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class Signature(TenantMixin, Base):
    """An electronic signature (21 CFR 11.50, 11.70): who, when, meaning, and what was signed.

    ``org_id`` is the signed record's owner, whoever signs: a site's investigator signing the
    sponsor's casebook through a grant writes the sponsor's row, with ``signer_org_id`` saying
    where the signer signed from. The ``shared_*`` columns copy the record's sharing coordinates
    (its model's ``__sharing__``) at signing time, so every organization whose grant shows the
    record sees its signatures, in the ORM and in row-level security alike (:class:`RowSharing`).
    """

    __tablename__ = "signature"
    __sharing__ = RowSharing()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), nullable=False)
    printed_name: Mapped[str] = mapped_column(String(200), nullable=False)
    signer_email: Mapped[str] = mapped_column(String(254), nullable=False)
    meaning: Mapped[str] = mapped_column(String(20), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: SHA-256 over the record's identity, the content hash and the signature's own fields, so
    #: the signature cannot be moved to another record without the binding failing.
    binding_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The organization the signer signed from (the owner itself, or a grantee); NULL before host_0014.
    signer_org_id: Mapped[int | None] = mapped_column(Integer)
    #: The signed record's shared record (``"<tool>.<record>"``, its id) and site; NULL when its model
    #: is never shared. ``shared_has_site``: whether that model has a site column.
    shared_record_type: Mapped[str | None] = mapped_column(String(64))
    shared_record_id: Mapped[int | None] = mapped_column(Integer)
    shared_site_id: Mapped[int | None] = mapped_column(Integer)
    shared_has_site: Mapped[bool | None] = mapped_column(Boolean)
