"""The ``stored_file`` table: what the storage service recorded with each saved file.

The bytes stay content-addressed on disk (one copy per organization and digest); a row per
(organization, tool, digest) keeps the type sniffed from the content, the size and the name the
file was uploaded under. The same bytes saved again by the same tool keep their first row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sdk.files import StoredFile
from sdk.models import Base, TenantMixin, UTCDateTime, utcnow


class StoredFileRecord(TenantMixin, Base):
    __tablename__ = "stored_file"
    __table_args__ = (UniqueConstraint("org_id", "tool_key", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The tool that saved it ("host" for the host's own files); only that tool reads the row.
    tool_key: Mapped[str] = mapped_column(String(64), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    content_type: Mapped[str] = mapped_column(String(127), nullable=False)
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    def as_stored_file(self) -> StoredFile:
        return StoredFile(key=self.sha256, size=self.size, content_type=self.content_type,
                          original_name=self.original_name, tool_key=self.tool_key,
                          created_at=self.created_at, created_by=self.created_by)
