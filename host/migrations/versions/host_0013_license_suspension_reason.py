"""license.suspension_reason: why a platform admin suspended it, shown to the organization

Revision ID: host_0013
Revises: host_0012
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "host_0013"
down_revision = "host_0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspension_reason", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.drop_column("suspension_reason")
