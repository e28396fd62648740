"""row-level security on testtool's tables (PostgreSQL; nothing on SQLite)

Revision ID: testtool_0002
Revises: testtool_0001
Create Date: 2026-11-30
"""
from alembic import op

from sdk.tenancy import disable_row_level_security, enable_row_level_security

revision = "testtool_0002"
down_revision = "testtool_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    enable_row_level_security(op, "testtool_record", "testtool_note")


def downgrade() -> None:
    disable_row_level_security(op, "testtool_record", "testtool_note")
