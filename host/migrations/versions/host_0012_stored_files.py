"""stored files: content type, size and original name of each saved file, per organization

A tenant table: row-level security on PostgreSQL, like every table with an org_id.

Revision ID: host_0012
Revises: host_0011
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime
from sdk.tenancy import disable_row_level_security, enable_row_level_security

revision = "host_0012"
down_revision = "host_0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("tool_key", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.UniqueConstraint("org_id", "tool_key", "sha256", name="uq_stored_file_org_id_tool_key_sha256"),
    )
    enable_row_level_security(op, "stored_file")


def downgrade() -> None:
    disable_row_level_security(op, "stored_file")
    op.drop_table("stored_file")
