"""outbox: domain events written in the emitter's transaction and delivered per handler

Platform tables (the relay reads every organization's deliveries and runs each handler in its
target organization's scope), so no row-level security.

Revision ID: host_0010
Revises: host_0009
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime

revision = "host_0010"
down_revision = "host_0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "outbox_delivery",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("outbox_event.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("tool_key", sa.String(32), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", UTCDateTime(timezone=True)),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True)),
        sa.UniqueConstraint("event_id", "tool_key", "org_id"),
        sa.Index("ix_outbox_delivery_status_available_at", "status", "available_at"),
    )
    op.create_table(
        "processed_event",
        sa.Column("event_id", sa.String(36), sa.ForeignKey("outbox_event.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tool_key", sa.String(32), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("processed_event")
    op.drop_table("outbox_delivery")
    op.drop_table("outbox_event")
