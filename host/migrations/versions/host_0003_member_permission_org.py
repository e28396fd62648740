"""member_permission carries org_id, like every organization-owned table

Revision ID: host_0003
Revises: host_0002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "host_0003"
down_revision = "host_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member_permission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
    op.execute("UPDATE member_permission SET org_id = (SELECT membership.org_id FROM membership "
               "WHERE membership.id = member_permission.membership_id)")
    with op.batch_alter_table("member_permission", schema=None) as batch_op:
        batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_member_permission_org_id"), ["org_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_member_permission_org_id_organization"),
                                    "organization", ["org_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("member_permission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_member_permission_org_id_organization"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_member_permission_org_id"))
        batch_op.drop_column("org_id")
