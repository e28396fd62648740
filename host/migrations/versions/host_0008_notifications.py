"""notifications: a person's in-app notifications and per-kind email choices

Per-user tables (a person's notification centre spans their organizations), so no row-level
security: every query filters by user_id.

Revision ID: host_0008
Revises: host_0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime

revision = "host_0008"
down_revision = "host_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500)),
        sa.Column("dedupe_key", sa.String(120)),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True)),
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notification_user_id_read_at", "user_id", "read_at"),
    )
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("user_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("notification_preference")
    op.drop_table("notification")
