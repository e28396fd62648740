"""login_attempt (remote_addr, at): sign-in back-off counts each address's recent failures

Revision ID: host_0007
Revises: host_0006
Create Date: 2026-11-30
"""
from alembic import op

revision = "host_0007"
down_revision = "host_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_login_attempt_remote_addr_at"), ["remote_addr", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_login_attempt_remote_addr_at"))
