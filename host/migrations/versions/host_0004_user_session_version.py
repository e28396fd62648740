"""user_account.session_version: a password change ends the user's other sessions

Revision ID: host_0004
Revises: host_0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "host_0004"
down_revision = "host_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_version")
