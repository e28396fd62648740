"""billing: prices, billing customers, subscriptions, invoices, provider events, seat assignments

Revision ID: host_0005
Revises: host_0004
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime

revision = "host_0005"
down_revision = "host_0004"
branch_labels = None
depends_on = None


def _org_id():
    return sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "price",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tool_key", sa.String(32), nullable=False, index=True),
        sa.Column("plan_code", sa.String(40), nullable=False),
        sa.Column("plan_name", sa.String(120), nullable=False),
        sa.Column("interval", sa.String(10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("per_seat", sa.Boolean(), nullable=False),
        sa.Column("min_seats", sa.Integer(), nullable=False),
        sa.Column("trial_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("stripe_plan_id", sa.String(120), unique=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tool_key", "plan_code", "interval", "plan_name", "amount", "currency", "per_seat",
                            "min_seats", "trial_days", name="uq_price_terms"),
    )
    op.create_table(
        "billing_customer",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org_id(),
        sa.Column("backend", sa.String(10), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=False, unique=True),
        sa.UniqueConstraint("org_id", "backend"),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org_id(),
        sa.Column("tool_key", sa.String(32), nullable=False, index=True),
        sa.Column("price_id", sa.Integer(), sa.ForeignKey("price.id"), nullable=False),
        sa.Column("backend", sa.String(10), nullable=False),
        sa.Column("purchase_key", sa.String(120), nullable=False),
        sa.Column("external_id", sa.String(120), unique=True),
        sa.Column("external_item_id", sa.String(120)),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("current_period_start", UTCDateTime(timezone=True)),
        sa.Column("current_period_end", UTCDateTime(timezone=True)),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True)),
        sa.Column("checkout_url", sa.Text()),
        sa.Column("purchased_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.Column("last_event_created", sa.Integer()),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("org_id", "purchase_key"),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org_id(),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("subscription.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("external_id", sa.String(120), unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("amount_due", sa.Integer(), nullable=False),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.Column("amount_refunded", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("period_start", UTCDateTime(timezone=True)),
        sa.Column("period_end", UTCDateTime(timezone=True)),
        sa.Column("paid_at", UTCDateTime(timezone=True)),
        sa.Column("payment_note", sa.String(500)),
        sa.Column("refund_note", sa.String(500)),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "billing_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("event_id", sa.String(120), nullable=False, unique=True),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="SET NULL")),
        sa.Column("outcome", sa.String(300), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "seat_assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org_id(),
        sa.Column("tool_key", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("assigned_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("org_id", "tool_key", "user_id"),
    )


def downgrade() -> None:
    for table in ("seat_assignment", "billing_event", "invoice", "subscription", "billing_customer", "price"):
        op.drop_table(table)
