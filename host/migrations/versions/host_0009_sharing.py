"""sharing: cross-organization grants of a tool's records, and tool roles held by members

``share_grant`` is read by the row-level security policies of every shared tool table (the
grant arm of :mod:`sdk.tenancy.sharing`); its own policy shows a grant to its two parties only,
which is all those policies need (they look for grants to the current organization).

Revision ID: host_0009
Revises: host_0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.models import UTCDateTime
from sdk.tenancy.row_security import disable_row_level_security, enable_party_row_security

revision = "host_0009"
down_revision = "host_0008"
branch_labels = None
depends_on = None


def _user_fk(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "share_grant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
        sa.Column("grantee_org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("tool_key", sa.String(32), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_label", sa.String(200), nullable=False),
        sa.Column("site_id", sa.Integer()),
        sa.Column("site_label", sa.String(200)),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("writable", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text()),
        _user_fk("invited_by_id"),
        sa.Column("invited_at", UTCDateTime(), nullable=False),
        _user_fk("decided_by_id"),
        sa.Column("decided_at", UTCDateTime()),
        _user_fk("ended_by_id"),
        sa.Column("ended_at", UTCDateTime()),
    )
    op.create_index("ix_share_grant_grantee", "share_grant", ["grantee_org_id", "record_type", "record_id", "status"])
    op.create_index("ix_share_grant_owner", "share_grant", ["owner_org_id", "status"])
    enable_party_row_security(op, "share_grant", "owner_org_id", "grantee_org_id")
    op.create_table(
        "member_role",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
        sa.Column("membership_id", sa.Integer(), sa.ForeignKey("membership.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tool_key", sa.String(32), nullable=False),
        sa.Column("role_key", sa.String(32), nullable=False),
        sa.Column("record_type", sa.String(64)),
        sa.Column("record_id", sa.Integer()),
        sa.Column("site_id", sa.Integer()),
        sa.UniqueConstraint("membership_id", "tool_key", "role_key", "record_type", "record_id", "site_id",
                            name="uq_member_role_membership_id"),
    )
    op.create_index("ix_member_role_org_id", "member_role", ["org_id"])
    op.create_index("ix_member_role_membership_id", "member_role", ["membership_id"])


def downgrade() -> None:
    op.drop_table("member_role")
    disable_row_level_security(op, "share_grant")
    op.drop_table("share_grant")
