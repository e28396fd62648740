"""The ``job`` table: one row per background job, owned by the organization that started it.

The queue (huey) carries only the job's id and organization; what the job is, how far it got and
how it ended live here, so the progress page and the API read the database, never the queue.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sdk.models import Base, TenantMixin, UTCDateTime, utcnow


class Job(TenantMixin, Base):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_org_id_user_id", "org_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Who started it (the job runs as them); None for a job started outside any person's request.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    tool_key: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    #: The failure as the person reads it (never a stack trace; that goes to the log).
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
