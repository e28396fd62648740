"""row-level security on site_select's tables (PostgreSQL; nothing on SQLite)

Revision ID: site_select_0002
Revises: site_select_0001
Create Date: 2026-11-30
"""
from alembic import op

from sdk.tenancy import disable_row_level_security, enable_row_level_security

revision = "site_select_0002"
down_revision = "site_select_0001"
branch_labels = None
depends_on = None

TABLES = ("site_select_site", "site_select_history", "site_select_weight_preset",
          "site_select_shortlist", "site_select_shortlist_entry", "site_select_import_batch")


def upgrade() -> None:
    enable_row_level_security(op, *TABLES)


def downgrade() -> None:
    disable_row_level_security(op, *TABLES)
