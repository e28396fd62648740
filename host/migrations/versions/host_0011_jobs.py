"""jobs: background jobs with their progress, per organization

A tenant table: row-level security on PostgreSQL, like every table with an org_id.

Revision ID: host_0011
Revises: host_0010
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime
from sdk.tenancy import disable_row_level_security, enable_row_level_security

revision = "host_0011"
down_revision = "host_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("tool_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer()),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("result", sa.JSON()),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True)),
        sa.Column("finished_at", UTCDateTime(timezone=True)),
        sa.Index("ix_job_org_id_user_id", "org_id", "user_id"),
    )
    enable_row_level_security(op, "job")


def downgrade() -> None:
    disable_row_level_security(op, "job")
    op.drop_table("job")
